package shop.engine.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * .dockerignore: one pattern a line, {@code #} comments, {@code *}, {@code ?} and {@code **}
 * globs, and {@code !} exceptions; the last matching line decides. A path is excluded also when
 * one of its parent directories is. A build's context and fig watch's {@code ignore} read it.
 */
public final class DockerIgnore {

    private record Rule(Pattern pattern, boolean exclude) {
    }

    private final List<Rule> rules = new ArrayList<>();

    public DockerIgnore(String text) {
        for (String raw : text.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            boolean exclude = !line.startsWith("!");
            String glob = (exclude ? line : line.substring(1)).strip();
            glob = java.nio.file.Path.of("/" + glob).normalize().toString().substring(1);
            rules.add(new Rule(Pattern.compile(regex(glob)), exclude));
        }
    }

    public static DockerIgnore none() {
        return new DockerIgnore("");
    }

    /** Whether a context-relative path (with '/' separators) is left out of the build. */
    public boolean excludes(String path) {
        String p = path;
        while (true) {
            if (decide(p)) {
                return true;
            }
            int slash = p.lastIndexOf('/');
            if (slash < 0) {
                return false;
            }
            p = p.substring(0, slash);
        }
    }

    private boolean decide(String path) {
        boolean excluded = false;
        for (Rule rule : rules) {
            if (rule.pattern().matcher(path).matches()) {
                excluded = rule.exclude();
            }
        }
        return excluded;
    }

    private static String regex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                // "**/" matches any number of directories, including none.
                boolean slash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                re.append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '\\' && i + 1 < glob.length()) {
                re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
