package shop.engine.registry;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code WWW-Authenticate} challenge: {@code Basic realm="..."} or
 * {@code Bearer realm="...",service="...",scope="..."}. Hand-written because the JDK's HTTP client
 * exposes the header only as text and no library on our classpath parses it.
 */
record AuthChallenge(String scheme, Map<String, String> params) {

    static Optional<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            if (j < text.length() && text.charAt(j) == '"') {
                j++;
                while (j < text.length() && text.charAt(j) != '"') {
                    if (text.charAt(j) == '\\' && j + 1 < text.length()) {
                        j++;
                    }
                    value.append(text.charAt(j++));
                }
                j++;
            } else {
                while (j < text.length() && text.charAt(j) != ',') {
                    value.append(text.charAt(j++));
                }
            }
            params.put(key, value.toString().strip());
            while (j < text.length() && (text.charAt(j) == ',' || text.charAt(j) == ' ')) {
                j++;
            }
            i = j;
        }
        return Optional.of(new AuthChallenge(scheme, params));
    }

    boolean isBearer() {
        return scheme.equals("bearer");
    }

    boolean isBasic() {
        return scheme.equals("basic");
    }
}
