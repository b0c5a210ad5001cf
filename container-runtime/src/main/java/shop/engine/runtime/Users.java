package shop.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.support.EngineException;

/**
 * Resolves Docker's {@code user[:group]} (names or numbers) against the container's own
 * /etc/passwd and /etc/group, as Docker does at start.
 */
public final class Users {

    public record Resolved(int uid, int gid, List<Integer> additionalGids, String home) {
    }

    private Users() {
    }

    public static Resolved resolve(Path rootfs, String spec) {
        if (spec == null || spec.isEmpty()) {
            spec = "0";
        }
        String userPart = spec.contains(":") ? spec.substring(0, spec.indexOf(':')) : spec;
        String groupPart = spec.contains(":") ? spec.substring(spec.indexOf(':') + 1) : null;
        List<String[]> passwd = table(rootfs.resolve("etc/passwd"));
        List<String[]> groups = table(rootfs.resolve("etc/group"));
        Integer uid = null;
        Integer gid = null;
        String name = null;
        String home = "/";
        for (String[] p : passwd) {
            if (p.length >= 4 && (p[0].equals(userPart) || p[2].equals(userPart))) {
                name = p[0];
                uid = Integer.parseInt(p[2]);
                gid = Integer.parseInt(p[3]);
                home = p.length >= 6 ? p[5] : "/";
                break;
            }
        }
        if (uid == null) {
            if (!userPart.matches("\\d+")) {
                throw EngineException.invalid("unable to find user " + userPart + ": no matching entries in passwd file");
            }
            uid = Integer.parseInt(userPart);
            gid = 0;
        }
        if (groupPart != null) {
            gid = null;
            for (String[] g : groups) {
                if (g.length >= 3 && (g[0].equals(groupPart) || g[2].equals(groupPart))) {
                    gid = Integer.parseInt(g[2]);
                }
            }
            if (gid == null) {
                if (!groupPart.matches("\\d+")) {
                    throw EngineException.invalid("unable to find group " + groupPart + ": no matching entries in group file");
                }
                gid = Integer.parseInt(groupPart);
            }
        }
        List<Integer> additional = new ArrayList<>();
        if (name != null) {
            for (String[] g : groups) {
                if (g.length >= 4 && List.of(g[3].split(",")).contains(name)) {
                    additional.add(Integer.parseInt(g[2]));
                }
            }
        }
        return new Resolved(uid, gid, additional, home);
    }

    /** As {@link #resolve(Path, String)}, with the groups of Docker's GroupAdd ({@link #groups}) after the user's own. */
    public static Resolved resolve(Path rootfs, String spec, List<String> groupAdd) {
        Resolved user = resolve(rootfs, spec);
        if (groupAdd.isEmpty()) {
            return user;
        }
        List<Integer> all = new ArrayList<>(user.additionalGids());
        all.addAll(groups(rootfs, groupAdd));
        return new Resolved(user.uid(), user.gid(), all, user.home());
    }

    /**
     * The group ids of Docker's GroupAdd: names looked up in the container's /etc/group, numbers
     * taken as they are.
     */
    private static List<Integer> groups(Path rootfs, List<String> names) {
        List<String[]> groups = table(rootfs.resolve("etc/group"));
        List<Integer> result = new ArrayList<>();
        for (String name : names) {
            Integer gid = null;
            for (String[] g : groups) {
                if (g.length >= 3 && g[0].equals(name)) {
                    gid = Integer.parseInt(g[2]);
                }
            }
            if (gid == null && !name.matches("\\d{1,9}")) {
                throw EngineException.invalid("HostConfig.GroupAdd: unable to find group " + name
                        + ": no matching entries in group file");
            }
            result.add(gid != null ? gid : Integer.parseInt(name));
        }
        return result;
    }

    /** A colon-separated table; a missing or symlinked file (which could point outside the rootfs) reads as empty. */
    private static List<String[]> table(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1)).toList();
        } catch (IOException e) {
            throw EngineException.failed("read " + file + ": " + e.getMessage(), e);
        }
    }
}
