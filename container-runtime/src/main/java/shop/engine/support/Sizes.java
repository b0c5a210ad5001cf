package shop.engine.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Docker's memory sizes: {@code 64m}, {@code 1g}, {@code 512k}, plain bytes; b/k/m/g, any case, "b" after a unit allowed (512mb). */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([bkmg]?)b?", Pattern.CASE_INSENSITIVE);

    private Sizes() {
    }

    public static long parse(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.strip());
        if (m == null || !m.matches()) {
            throw EngineException.invalid("invalid size: '" + text + "' (want e.g. 64m or 1g)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase()) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }
}
