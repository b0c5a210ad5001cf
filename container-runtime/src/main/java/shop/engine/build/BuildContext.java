package shop.engine.build;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import shop.engine.content.Compression;
import shop.engine.content.Digest;
import shop.engine.dockerfile.DockerIgnore;
import shop.engine.runtime.Users;
import shop.engine.snapshot.SafeTarExtractor;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.RootPaths;

/**
 * A tree COPY and ADD read files from: the build's context without what its {@code .dockerignore}
 * names, or, for {@code COPY --from}, another stage's or image's root filesystem, whole. It finds
 * what a source names, checksums what a step would copy (the step's cache key: content and modes,
 * never mtimes), and copies into a step's root filesystem, owned by root unless {@code --chown}
 * says otherwise.
 */
final class BuildContext {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path root;
    private final DockerIgnore ignore;

    private BuildContext(Path root, DockerIgnore ignore) {
        this.root = root;
        this.ignore = ignore;
    }

    /** The build's context directory, without what its .dockerignore names. */
    static BuildContext of(Path context) throws IOException {
        Path ignoreFile = context.resolve(".dockerignore");
        return new BuildContext(context,
                Files.isRegularFile(ignoreFile) ? new DockerIgnore(Files.readString(ignoreFile)) : DockerIgnore.none());
    }

    /** A root filesystem, all of it. */
    static BuildContext whole(Path root) {
        return new BuildContext(root, DockerIgnore.none());
    }

    Path root() {
        return root;
    }

    /**
     * Paths matching one source (globs allowed in the last component), minus ignored ones. Symlinks
     * on the way are followed inside the tree, as Docker does: a link to {@code /} is the tree's
     * root, so {@code x/etc/shadow} with {@code x -> /} is the context's etc/shadow, never the host's.
     */
    List<Path> match(String source) {
        String relative = source.startsWith("/") ? source.substring(1) : source;
        Path whole = root.resolve(relative).normalize();
        if (!whole.startsWith(root)) {
            throw EngineException.invalid("forbidden path outside the build context: " + source);
        }
        List<Path> found = new ArrayList<>();
        if (source.matches(".*[*?\\[].*")) {
            Path dir = RootPaths.resolve(root, root.relativize(whole.getParent()).toString());
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + whole.getFileName());
            if (Files.isDirectory(dir, NOFOLLOW)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(p -> matcher.matches(p.getFileName()))
                            .map(p -> RootPaths.resolve(root, root.relativize(p).toString()))
                            .filter(p -> Files.exists(p, NOFOLLOW)).sorted().forEach(found::add);
                } catch (IOException e) {
                    throw EngineException.failed("list " + dir + ": " + e.getMessage(), e);
                }
            }
        } else {
            Path resolved = RootPaths.resolve(root, relative);
            if (Files.exists(resolved, NOFOLLOW)) {
                found.add(resolved);
            }
        }
        found.removeIf(p -> !p.equals(root) && ignore.excludes(root.relativize(p).toString()));
        if (found.isEmpty()) {
            throw EngineException.invalid("file not found in build context or excluded by .dockerignore: " + source);
        }
        return found;
    }

    /** sha256 over each file's path in this tree, mode, and content (or link target); mtimes do not count. */
    String checksum(List<Path> sources) {
        MessageDigest sha = Digest.sha256();
        for (Path source : sources) {
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                    String rel = root.relativize(p).toString();
                    if (!p.equals(root) && ignore.excludes(rel)) {
                        continue;
                    }
                    int mode = (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW);
                    sha.update((rel + "\0" + Integer.toOctalString(mode) + "\0").getBytes(StandardCharsets.UTF_8));
                    if (Files.isSymbolicLink(p)) {
                        sha.update(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8));
                    } else if (Files.isRegularFile(p, NOFOLLOW)) {
                        try (InputStream in = Files.newInputStream(p)) {
                            byte[] buffer = new byte[1 << 16];
                            int n;
                            while ((n = in.read(buffer)) > 0) {
                                sha.update(buffer, 0, n);
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw EngineException.failed("checksum " + source + ": " + e.getMessage(), e);
            }
        }
        return Digest.format(sha.digest());
    }

    /**
     * Copies one source (a file, or a directory's contents) to {@code destPath} in the rootfs,
     * resolving every target inside the rootfs. ADD unpacks a local tar archive instead.
     */
    void copy(Path source, Path rootfs, String destPath, boolean destIsDir, Users.Resolved owner, Integer chmod,
              boolean extractArchives) {
        try {
            if (Files.isDirectory(source, NOFOLLOW)) {
                Path dest = RootPaths.resolve(rootfs, destPath);
                Files.createDirectories(dest);
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                        if (p.equals(source)) {
                            continue;
                        }
                        String relToRoot = root.relativize(p).toString();
                        if (ignore.excludes(relToRoot)) {
                            continue;
                        }
                        String rel = source.relativize(p).toString();
                        copyEntry(p, RootPaths.resolve(rootfs, destPath + "/" + rel), owner, chmod);
                    }
                }
                return;
            }
            if (extractArchives && isTar(source)) {
                Path dest = RootPaths.resolve(rootfs, destPath);
                Files.createDirectories(dest);
                try (InputStream in = Files.newInputStream(source)) {
                    new SafeTarExtractor(null).extract(in, dest, "ADD " + source.getFileName());
                }
                return;
            }
            Path dest = RootPaths.resolve(rootfs, destPath);
            Path target = destIsDir || Files.isDirectory(dest) ? dest.resolve(source.getFileName().toString()) : dest;
            Files.createDirectories(target.getParent());
            copyEntry(source, target, owner, chmod);
        } catch (IOException e) {
            throw EngineException.failed("copy " + source.getFileName() + " to " + destPath + ": " + e.getMessage(), e);
        }
    }

    private static void copyEntry(Path source, Path target, Users.Resolved owner, Integer chmod) throws IOException {
        if (Files.isDirectory(source, NOFOLLOW)) {
            if (Files.exists(target, NOFOLLOW) && !Files.isDirectory(target, NOFOLLOW)) {
                Files.delete(target);
            }
            Files.createDirectories(target);
            Files.setAttribute(target, "unix:mode", (Integer) Files.getAttribute(source, "unix:mode") & 07777);
        } else {
            if (Files.isDirectory(target, NOFOLLOW)) {
                FileTrees.delete(target);
            }
            Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
        }
        Files.setAttribute(target, "unix:uid", owner == null ? 0 : owner.uid(), NOFOLLOW);
        Files.setAttribute(target, "unix:gid", owner == null ? 0 : owner.gid(), NOFOLLOW);
        if (chmod != null && !Files.isSymbolicLink(target)) {
            Files.setAttribute(target, "unix:mode", chmod, NOFOLLOW);
        }
    }

    /** A plain or gzipped tar, by content: "ustar" at offset 257 of the (decompressed) first block. */
    private static boolean isTar(Path file) throws IOException {
        try (InputStream in = Compression.plain(new BufferedInputStream(Files.newInputStream(file)))) {
            byte[] header = in.readNBytes(512);
            return header.length == 512 && new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        } catch (ZipException notGzip) {
            return false;
        }
    }
}
