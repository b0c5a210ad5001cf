package shop.engine.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import shop.engine.snapshot.SafeTarExtractor;
import shop.engine.snapshot.TarPreflight;
import shop.engine.snapshot.TreeTar;
import shop.engine.support.EngineException;
import shop.engine.support.RootPaths;

/**
 * A container's files as its processes see them, for {@code docker cp} and export: its root
 * filesystem (the overlay mount, there from create on, so files can go in before the start) with
 * its volumes and binds over it.
 *
 * <p>A path is resolved the way the container would resolve it, and never leaves what it names:
 * symlinks are followed inside the root filesystem or the mount they are in ({@link RootPaths}),
 * so {@code /x -> /} and {@code ../../..} stay in the container. As Docker does, the last
 * element is not followed unless the path ends in {@code /} or {@code /.}: a symlink is copied as
 * a symlink.
 */
final class ContainerFiles {

    /** Go's os.FileMode bits, which the docker CLI reads from a path stat. */
    private static final long GO_MODE_DIR = 1L << 31;
    private static final long GO_MODE_SYMLINK = 1L << 27;
    private static final long GO_MODE_NAMED_PIPE = 1L << 25;
    private static final long GO_MODE_DEVICE = 1L << 26;
    private static final long GO_MODE_CHAR_DEVICE = 1L << 21;
    private static final long GO_MODE_SETUID = 1L << 23;
    private static final long GO_MODE_SETGID = 1L << 22;
    private static final long GO_MODE_STICKY = 1L << 20;

    /** A mount of the container: what appears at {@code destination}, and where it lives on the host. */
    record Mount(String destination, Path source, boolean readOnly) {
    }

    private final Path rootfs;
    private final boolean rootReadOnly;
    private final List<Mount> mounts;

    /**
     * @param rootReadOnly the container's root filesystem is read-only (ReadonlyRootfs), so nothing is copied into it
     * @param mounts       the container's volumes, binds and tmpfs mounts (its /etc files need not be listed)
     */
    private ContainerFiles(Path rootfs, boolean rootReadOnly, List<Mount> mounts) {
        this.rootfs = rootfs;
        this.rootReadOnly = rootReadOnly;
        this.mounts = mounts.stream().sorted(Comparator.comparing((Mount m) -> m.destination().length()).reversed()).toList();
    }

    /**
     * The container's files with its mounts over them: volumes and binds where they live on the
     * host, and a running container's tmpfs mounts through its init's view of them (a stopped one
     * has none, so its files there are the root filesystem's, as Docker shows them).
     */
    static ContainerFiles of(Container c, Path rootfs, Volumes volumes) {
        List<Mount> mounts = new ArrayList<>();
        for (MountPoint m : c.mounts()) {
            Path source = switch (m.type()) {
                case MountPoint.BIND -> Path.of(m.source());
                case MountPoint.VOLUME -> Path.of(volumes.inspect(m.name()).mountpoint());
                default -> c.state().running()
                        ? Path.of("/proc", String.valueOf(c.state().pid()), "root").resolve(m.destination().substring(1))
                        : null;
            };
            if (source != null) {
                mounts.add(new Mount(m.destination(), source, !m.rw()));
            }
        }
        return new ContainerFiles(rootfs, c.hostConfig().readonlyRootfs(), mounts);
    }

    /** Where a container path lives on the host, and whether it may be written. */
    private record Resolved(Path path, boolean readOnly) {
    }

    private Resolved resolve(String containerPath) {
        if (containerPath == null || containerPath.isEmpty()) {
            throw EngineException.invalid("path: a path in the container is required");
        }
        String path = containerPath.startsWith("/") ? containerPath : "/" + containerPath;
        String trimmed = path.replaceAll("/+$", "");
        String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
        if (path.endsWith("/") || last.isEmpty() || last.equals(".") || last.equals("..")) {
            return inMount(trimmed.isEmpty() ? "/" : trimmed);
        }
        for (Mount m : mounts) {
            if (m.destination().equals(trimmed)) {
                return new Resolved(m.source(), m.readOnly());
            }
        }
        String parent = trimmed.substring(0, trimmed.lastIndexOf('/'));
        Resolved dir = inMount(parent.isEmpty() ? "/" : parent);
        return new Resolved(dir.path().resolve(last), dir.readOnly());
    }

    /** The path with every symlink followed, in the mount its text falls in or in the root filesystem. */
    private Resolved inMount(String path) {
        for (Mount m : mounts) {
            if (path.equals(m.destination()) || path.startsWith(m.destination() + "/")) {
                return new Resolved(RootPaths.resolve(m.source(), path.substring(m.destination().length())), m.readOnly());
            }
        }
        return new Resolved(RootPaths.resolve(rootfs, path), rootReadOnly);
    }

    ContainerService.PathStat stat(String containerPath) {
        Path path = resolve(containerPath).path();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw EngineException.notFound("Could not find the file " + containerPath + " in container");
        }
        try {
            Map<String, Object> attrs = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) attrs.get("mode");
            String link = Files.isSymbolicLink(path) ? Files.readSymbolicLink(path).toString() : "";
            String name = path.getFileName() == null ? "/" : path.getFileName().toString();
            return new ContainerService.PathStat(name, (Long) attrs.get("size"), goMode(mode),
                    ((FileTime) attrs.get("lastModifiedTime")).toInstant(), link);
        } catch (IOException e) {
            throw EngineException.failed("stat " + containerPath + ": " + e.getMessage(), e);
        }
    }

    /** Unix mode bits as Go's os.FileMode, the form Docker's path stat carries. */
    static long goMode(int mode) {
        long go = mode & 0777;
        switch (mode & 0170000) {
            case 0040000 -> go |= GO_MODE_DIR;
            case 0120000 -> go |= GO_MODE_SYMLINK;
            case 0010000 -> go |= GO_MODE_NAMED_PIPE;
            case 0020000 -> go |= GO_MODE_DEVICE | GO_MODE_CHAR_DEVICE;
            case 0060000 -> go |= GO_MODE_DEVICE;
            default -> { }
        }
        go |= (mode & 04000) != 0 ? GO_MODE_SETUID : 0;
        go |= (mode & 02000) != 0 ? GO_MODE_SETGID : 0;
        go |= (mode & 01000) != 0 ? GO_MODE_STICKY : 0;
        return go;
    }

    void copyOut(String containerPath, OutputStream out) {
        ContainerService.PathStat stat = stat(containerPath);
        try (TreeTar tar = new TreeTar(out)) {
            tar.addTree(resolve(containerPath).path(), stat.name().equals("/") ? "." : stat.name());
        } catch (IOException e) {
            throw EngineException.failed("copy " + containerPath + " out of the container: " + e.getMessage(), e);
        }
    }

    /**
     * Checks the whole tar, then unpacks it into the directory; spooled to {@code scratch} first,
     * as the check reads it once and the extraction again.
     */
    void copyIn(String containerPath, InputStream tar, boolean noOverwriteDirNonDir, Path scratch) {
        Resolved target = resolve(containerPath.endsWith("/") ? containerPath : containerPath + "/");
        try {
            // Read whole before any refusal: a reply sent while the client still writes reaches it as a broken pipe.
            Files.copy(tar, scratch, StandardCopyOption.REPLACE_EXISTING);
            if (!Files.isDirectory(target.path(), LinkOption.NOFOLLOW_LINKS)) {
                throw Files.exists(target.path(), LinkOption.NOFOLLOW_LINKS)
                        ? EngineException.invalid("extract to " + containerPath + ": not a directory")
                        : EngineException.notFound("Could not find the file " + containerPath + " in container");
            }
            if (target.readOnly()) {
                throw EngineException.invalid("extract to " + containerPath + ": "
                        + (target.path().startsWith(rootfs) ? "container rootfs is marked read-only" : "the mount is read-only"));
            }
            try (InputStream in = Files.newInputStream(scratch)) {
                new TarPreflight(target.path(), noOverwriteDirNonDir).check(in, "archive for " + containerPath);
            }
            try (InputStream in = Files.newInputStream(scratch)) {
                new SafeTarExtractor(null).extract(in, target.path(), "archive for " + containerPath);
            }
        } catch (IOException e) {
            throw EngineException.failed("copy into " + containerPath + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(scratch);
            } catch (IOException ignored) {
                // A leftover spool file is overwritten by the next copy.
            }
        }
    }

    /** The root filesystem alone, without volumes and binds, as docker export writes it. */
    void export(OutputStream out) {
        try (TreeTar tar = new TreeTar(out)) {
            for (Path child : TreeTar.children(rootfs)) {
                tar.addTree(child, child.getFileName().toString());
            }
        } catch (IOException e) {
            throw EngineException.failed("export the container's filesystem: " + e.getMessage(), e);
        }
    }
}
