package shop.engine.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import shop.engine.runtime.BundleSpec;
import shop.engine.support.EngineException;
import shop.engine.support.Ids;
import shop.engine.support.RootPaths;

/**
 * A container's mounts, decided Docker's way in two steps. {@link #plan} reads Binds, Mounts,
 * Tmpfs, VolumesFrom and the config's Volumes and refuses what cannot be mounted (a missing bind
 * source, an unknown type, a container that does not exist, two mounts on one path) before
 * anything exists. {@link #materialise}, once the container's directory and root filesystem
 * are there, creates the volumes (filled from the image unless NoCopy) and the missing -v
 * sources, and returns the OCI mounts.
 *
 * <p>Precedence, as Docker's: Binds, Mounts and Tmpfs must not share a destination; any of them
 * replaces a VolumesFrom mount at its destination; a config volume nothing else covers becomes an
 * anonymous volume.
 */
final class ContainerMounts {

    /** Docker's tmpfs defaults; the client's options come after them and win. */
    private static final List<String> TMPFS_DEFAULTS = List.of("noexec", "nosuid", "nodev");
    private static final List<String> TMPFS_FLAGS = List.of("exec", "noexec", "suid", "nosuid", "dev", "nodev", "ro", "rw",
            "atime", "noatime", "relatime", "strictatime", "diratime", "nodiratime", "sync", "async", "dirsync");
    private static final List<String> TMPFS_KEYS = List.of("size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol");
    private static final List<String> PROPAGATIONS = List.of("private", "rprivate", "slave", "rslave", "shared", "rshared");
    /** Mode words a bind or volume may carry that change nothing here (SELinux labels, macOS hints). */
    private static final List<String> NO_OP_MODES = List.of("z", "Z", "consistent", "cached", "delegated");
    /** Labelled as Docker labels the volumes it makes for one container. */
    static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

    /**
     * A mount to make: its record, and what only its creation needs.
     *
     * @param createSource a -v bind whose missing host directory is made, as Docker makes it
     * @param volumeLabels labels for the volume, if the mount creates it
     */
    record Planned(MountPoint point, boolean createSource, boolean noCopy, Map<String, String> volumeLabels) {
    }

    private ContainerMounts() {
    }

    /** The mounts of a new container; {@code containers} finds a VolumesFrom container or throws a 404. */
    static List<Planned> plan(HostConfig host, Map<String, Object> configVolumes, Function<String, Container> containers) {
        Map<String, Planned> inherited = new LinkedHashMap<>();
        for (String spec : host.volumesFrom()) {
            volumesFrom(spec, containers).forEach(p -> inherited.put(p.point().destination(), p));
        }
        Map<String, Planned> own = new LinkedHashMap<>();
        for (String bind : host.binds()) {
            add(own, bind(bind));
        }
        for (int i = 0; i < host.mounts().size(); i++) {
            add(own, mount(host.mounts().get(i), "HostConfig.Mounts[" + i + "]"));
        }
        host.tmpfs().forEach((path, options) -> add(own, tmpfs(path, options)));
        Map<String, Planned> all = new LinkedHashMap<>(inherited);
        all.putAll(own);
        for (String path : configVolumes == null ? List.<String>of() : configVolumes.keySet()) {
            String destination = destination(path, "Config.Volumes");
            all.putIfAbsent(destination, new Planned(new MountPoint(MountPoint.VOLUME, Ids.random(), null, destination, "",
                    true, "", List.of(), true), false, false, Map.of(ANONYMOUS_LABEL, "")));
        }
        return List.copyOf(all.values());
    }

    private static void add(Map<String, Planned> mounts, Planned planned) {
        if (mounts.putIfAbsent(planned.point().destination(), planned) != null) {
            throw EngineException.invalid("Duplicate mount point: " + planned.point().destination());
        }
    }

    /** {@code name[:ro|rw]}: that container's volumes and binds, at the same paths. */
    private static List<Planned> volumesFrom(String spec, Function<String, Container> containers) {
        String[] parts = spec.split(":", -1);
        if (parts.length > 2 || parts[0].isEmpty() || (parts.length == 2 && !List.of("ro", "rw").contains(parts[1]))) {
            throw EngineException.invalid("HostConfig.VolumesFrom: \"" + spec + "\": want container[:ro|rw]");
        }
        Container from;
        try {
            from = containers.apply(parts[0]);
        } catch (EngineException e) {
            // A 400, not a 404: the docker CLI takes a 404 from create for a missing image and pulls.
            throw e.kind() == EngineException.Kind.NOT_FOUND
                    ? EngineException.invalid("HostConfig.VolumesFrom: no such container: " + parts[0]) : e;
        }
        List<Planned> result = new ArrayList<>();
        for (MountPoint m : from.mounts()) {
            if (!m.type().equals(MountPoint.TMPFS)) {
                MountPoint copy = parts.length == 2 ? m.borrowed(parts[1].equals("rw"), parts[1]) : m.borrowed(m.rw(), m.mode());
                result.add(new Planned(copy, false, true, Map.of()));
            }
        }
        return result;
    }

    /** {@code source:/destination[:mode]}: a host path (made when missing, as -v does) or a named volume. */
    private static Planned bind(String bind) {
        String field = "HostConfig.Binds: \"" + bind + "\"";
        String[] parts = bind.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
            throw EngineException.invalid(field + ": want source:/path[:mode]");
        }
        String destination = destination(parts[1], field);
        boolean readOnly = false;
        boolean noCopy = false;
        String propagation = "";
        for (String word : parts.length == 3 ? parts[2].split(",") : new String[0]) {
            if (word.equals("ro") || word.equals("rw")) {
                readOnly = word.equals("ro");
            } else if (word.equals("nocopy")) {
                noCopy = true;
            } else if (PROPAGATIONS.contains(word)) {
                propagation = word;
            } else if (!NO_OP_MODES.contains(word)) {
                throw EngineException.invalid(field + ": unknown mode \"" + word + "\"");
            }
        }
        String mode = parts.length == 3 ? parts[2] : "";
        if (parts[0].startsWith("/")) {
            if (noCopy) {
                throw EngineException.invalid(field + ": nocopy is for volumes, not host paths");
            }
            checkPropagation(Path.of(parts[0]), propagation, field, true);
            return new Planned(new MountPoint(MountPoint.BIND, null, parts[0], destination, mode, !readOnly, propagation,
                    List.of(), false), true, false, Map.of());
        }
        if (!propagation.isEmpty()) {
            throw EngineException.invalid(field + ": propagation is for host paths, not volumes");
        }
        return new Planned(volume(parts[0], destination, mode, !readOnly, field), false, noCopy, Map.of());
    }

    private static Planned mount(MountSpec spec, String field) {
        String type = spec.type() == null ? "" : spec.type();
        String destination = destination(spec.target(), field + ".Target");
        String source = spec.source() == null ? "" : spec.source();
        switch (type) {
            case MountPoint.BIND -> {
                only(spec, spec.volumeOptions() == null && spec.tmpfsOptions() == null, field);
                if (!source.startsWith("/")) {
                    throw EngineException.invalid(field + ".Source: a bind needs an absolute host path, not \"" + source + "\"");
                }
                MountSpec.BindOptions options = spec.bindOptions();
                boolean create = options != null && options.createMountpoint();
                if (!create && !Files.exists(Path.of(source))) {
                    throw EngineException.invalid(field + ".Source: bind source path does not exist: " + source);
                }
                String propagation = options == null || options.propagation() == null ? "" : options.propagation();
                if (!propagation.isEmpty() && !PROPAGATIONS.contains(propagation)) {
                    throw EngineException.invalid(field + ".BindOptions.Propagation: \"" + propagation + "\": one of "
                            + String.join(", ", PROPAGATIONS));
                }
                checkPropagation(Path.of(source), propagation, field + ".BindOptions.Propagation", !create);
                List<String> flags = options != null && options.nonRecursive() ? List.of("bind") : List.of();
                return new Planned(new MountPoint(MountPoint.BIND, null, source, destination, "", !spec.readOnly(),
                        propagation, flags, false), create, false, Map.of());
            }
            case MountPoint.VOLUME -> {
                only(spec, spec.bindOptions() == null && spec.tmpfsOptions() == null, field);
                MountSpec.VolumeOptions options = spec.volumeOptions();
                Map<String, String> labels = options == null || options.labels() == null ? Map.of() : options.labels();
                boolean noCopy = options != null && options.noCopy();
                if (source.isEmpty()) {
                    Map<String, String> anonymous = new LinkedHashMap<>(labels);
                    anonymous.put(ANONYMOUS_LABEL, "");
                    return new Planned(new MountPoint(MountPoint.VOLUME, Ids.random(), null, destination, "", !spec.readOnly(),
                            "", List.of(), true), false, noCopy, anonymous);
                }
                return new Planned(volume(source, destination, "", !spec.readOnly(), field + ".Source"), false, noCopy, labels);
            }
            case MountPoint.TMPFS -> {
                only(spec, spec.bindOptions() == null && spec.volumeOptions() == null, field);
                if (!source.isEmpty()) {
                    throw EngineException.invalid(field + ".Source: a tmpfs has no source, not \"" + source + "\"");
                }
                List<String> words = new ArrayList<>();
                MountSpec.TmpfsOptions options = spec.tmpfsOptions();
                if (options != null && options.sizeBytes() < 0) {
                    throw EngineException.invalid(field + ".TmpfsOptions.SizeBytes: cannot be negative");
                }
                if (options != null && options.sizeBytes() > 0) {
                    words.add("size=" + options.sizeBytes());
                }
                if (options != null && options.mode() != 0) {
                    words.add("mode=" + Integer.toOctalString(options.mode() & 07777));
                }
                if (spec.readOnly()) {
                    words.add("ro");
                }
                return tmpfs(destination, String.join(",", words));
            }
            default -> throw EngineException.invalid(field + ".Type: \"" + type + "\" is not supported: bind, volume or tmpfs");
        }
    }

    /** Options of another type's mount on this one are a mistake Docker refuses too. */
    private static void only(MountSpec spec, boolean fits, String field) {
        if (!fits) {
            throw EngineException.invalid(field + ": only the options of type " + spec.type() + " apply to it");
        }
    }

    private static MountPoint volume(String name, String destination, String mode, boolean rw, String field) {
        if (!name.matches(Volumes.NAME_PATTERN)) {
            throw EngineException.invalid(field + ": \"" + name + "\" is not a volume name (" + Volumes.NAME_PATTERN
                    + ") nor an absolute host path");
        }
        return new MountPoint(MountPoint.VOLUME, name, null, destination, mode, rw, "", List.of(), false);
    }

    /** Docker's defaults, then the client's comma-separated options; a later word of a pair wins. */
    private static Planned tmpfs(String path, String options) {
        String field = "HostConfig.Tmpfs[" + path + "]";
        String destination = destination(path, field);
        Map<String, String> merged = new LinkedHashMap<>();
        List<String> words = new ArrayList<>(TMPFS_DEFAULTS);
        if (options != null && !options.isBlank()) {
            words.addAll(List.of(options.split(",")));
        }
        boolean readOnly = false;
        for (String word : words) {
            String key = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
            if (TMPFS_FLAGS.contains(word)) {
                // exec and noexec (and each such pair) are one setting: the later word replaces the earlier.
                String setting = word.startsWith("no") && TMPFS_FLAGS.contains(word.substring(2)) ? word.substring(2) : word;
                merged.remove(setting);
                merged.remove("no" + setting);
                merged.put(word, word);
                readOnly = word.equals("ro") || (readOnly && !word.equals("rw"));
            } else if (TMPFS_KEYS.contains(key) && word.length() > key.length() + 1) {
                merged.put(key, word);
            } else if (!PROPAGATIONS.contains(word)) {
                throw EngineException.invalid(field + ": unknown option \"" + word + "\"");
            }
        }
        merged.remove("rw");
        merged.remove("ro");
        List<String> mountOptions = new ArrayList<>(merged.values());
        if (readOnly) {
            mountOptions.add("ro");
        }
        return new Planned(new MountPoint(MountPoint.TMPFS, null, null, destination, options == null ? "" : options,
                !readOnly, "", mountOptions, false), false, false, Map.of());
    }

    private static String destination(String path, String field) {
        if (path == null || !path.startsWith("/")) {
            throw EngineException.invalid(field + ": the mount destination \"" + path + "\" must be an absolute path");
        }
        String normal = Path.of(path).normalize().toString();
        if (normal.equals("/")) {
            throw EngineException.invalid(field + ": the mount destination cannot be /");
        }
        return normal;
    }

    /**
     * Docker's rule for propagation: slave needs the source on a shared or slave mount of the
     * host, as the container can only receive what the host's mount passes on. Shared is refused:
     * crun runs in a mount namespace of its own on hybrid cgroup hosts, so nothing mounted in the
     * container could reach the host.
     */
    private static void checkPropagation(Path source, String propagation, String field, boolean exists) {
        if (propagation.equals("shared") || propagation.equals("rshared")) {
            throw EngineException.invalid(field + ": " + propagation + " propagation is not supported by this engine;"
                    + " private and slave are");
        }
        if ((propagation.equals("slave") || propagation.equals("rslave")) && exists) {
            HostMounts.Entry mount = HostMounts.containing(source);
            if (!mount.shared() && !mount.slave()) {
                throw EngineException.invalid(field + ": path " + source + " is mounted on " + mount.mountPoint()
                        + " but it is not a shared or slave mount");
            }
        }
    }

    /**
     * The OCI mounts of planned mounts, creating what they need: volumes (a new one filled with
     * what the image holds at the destination, unless NoCopy) and the missing host directories of
     * -v binds.
     */
    static List<BundleSpec.Mount> materialise(List<Planned> planned, Path rootfs, Volumes volumes) throws IOException {
        List<BundleSpec.Mount> result = new ArrayList<>();
        for (Planned p : planned) {
            MountPoint m = p.point();
            String access = m.rw() ? "rw" : "ro";
            switch (m.type()) {
                case MountPoint.BIND -> {
                    Path source = Path.of(m.source());
                    if (p.createSource() && !Files.exists(source)) {
                        Files.createDirectories(source);
                    }
                    result.add(new BundleSpec.Mount(m.destination(), "bind", m.source(),
                            withPropagation(List.of(m.options().contains("bind") ? "bind" : "rbind", access), m)));
                }
                case MountPoint.VOLUME -> {
                    Path data = volumes.mountpoint(m.name(), p.volumeLabels(),
                            p.noCopy() ? null : RootPaths.resolve(rootfs, m.destination()));
                    result.add(new BundleSpec.Mount(m.destination(), "bind", data.toString(), List.of("rbind", access)));
                }
                default -> result.add(new BundleSpec.Mount(m.destination(), "tmpfs", "tmpfs", m.options()));
            }
        }
        return result;
    }

    private static List<String> withPropagation(List<String> options, MountPoint m) {
        if (m.propagation().isEmpty()) {
            return options;
        }
        List<String> result = new ArrayList<>(options);
        result.add(m.propagation());
        return result;
    }

    /** The mounts a container created before mount records were kept had: its binds, read again. */
    static List<MountPoint> ofLegacyBinds(List<String> binds) {
        List<MountPoint> result = new ArrayList<>();
        for (String bind : binds) {
            String[] parts = bind.split(":");
            if (parts.length >= 2) {
                String mode = parts.length == 3 ? parts[2] : "";
                boolean rw = !mode.startsWith("ro");
                result.add(parts[0].startsWith("/")
                        ? new MountPoint(MountPoint.BIND, null, parts[0], parts[1], mode, rw, "", List.of(), false)
                        : new MountPoint(MountPoint.VOLUME, parts[0], null, parts[1], mode, rw, "", List.of(), false));
            }
        }
        return result;
    }
}
