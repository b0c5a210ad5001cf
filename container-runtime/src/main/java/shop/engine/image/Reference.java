package shop.engine.image;

import java.util.regex.Pattern;
import shop.engine.content.Digest;
import shop.engine.support.EngineException;

/**
 * An image reference per the distribution grammar ({@code [domain/]path[:tag][@digest]}),
 * normalised the way Docker does: no domain means docker.io, a one-part docker.io name lives
 * under {@code library/}, and no tag and no digest means {@code latest}.
 */
public record Reference(String domain, String path, String tag, String digest) {

    public static final String DEFAULT_DOMAIN = "docker.io";

    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|-+)";
    private static final Pattern PATH_COMPONENT = Pattern.compile(ALNUM + "(?:" + SEPARATOR + ALNUM + ")*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?");
    private static final int NAME_MAX = 255;

    public static Reference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw invalid(text, "empty reference");
        }
        String rest = text;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            try {
                Digest.validate(digest);
            } catch (EngineException e) {
                throw invalid(text, "bad digest " + digest);
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            if (!TAG.matcher(tag).matches()) {
                throw invalid(text, "bad tag \"" + tag + "\"");
            }
            rest = rest.substring(0, colon);
        }
        String domain = DEFAULT_DOMAIN;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")
                    || !first.equals(first.toLowerCase())) {
                if (!DOMAIN.matcher(first).matches()) {
                    throw invalid(text, "bad registry \"" + first + "\"");
                }
                domain = first.equals("index.docker.io") ? DEFAULT_DOMAIN : first;
                path = rest.substring(slash + 1);
            }
        }
        if (path.isEmpty()) {
            throw invalid(text, "no repository name");
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw invalid(text, "bad path component \"" + component
                        + "\" (lowercase letters, digits and single separators . _ __ -)");
            }
        }
        if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
            path = "library/" + path;
        }
        if ((domain + "/" + path).length() > NAME_MAX) {
            throw invalid(text, "name longer than " + NAME_MAX + " characters");
        }
        if (tag == null && digest == null) {
            tag = "latest";
        }
        return new Reference(domain, path, tag, digest);
    }

    private static EngineException invalid(String text, String why) {
        return EngineException.invalid("invalid reference \"" + text + "\": " + why);
    }

    /** Repository name with its domain, e.g. {@code docker.io/library/debian}. */
    public String name() {
        return domain + "/" + path;
    }

    @Override
    public String toString() {
        return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }

    /** The short form users type and {@code docker images} shows, e.g. {@code debian:bookworm-slim}. */
    public String familiar() {
        String name = name();
        if (domain.equals(DEFAULT_DOMAIN)) {
            name = path.startsWith("library/") ? path.substring("library/".length()) : path;
        }
        return name + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
