package shop.engine.build;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import shop.engine.content.Compression;
import shop.engine.content.Descriptor;
import shop.engine.content.Digest;
import shop.engine.dockerfile.Dockerfile;
import shop.engine.dockerfile.DockerfileException;
import shop.engine.dockerfile.DockerfileParser;
import shop.engine.dockerfile.HealthcheckInstruction;
import shop.engine.dockerfile.Instruction;
import shop.engine.dockerfile.ShellWords;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.ImageStore;
import shop.engine.image.MediaTypes;
import shop.engine.runtime.BundleSpec;
import shop.engine.runtime.Users;
import shop.engine.snapshot.Layer;
import shop.engine.snapshot.SafeTarExtractor;
import shop.engine.snapshot.Snapshotter;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.Ids;
import shop.engine.support.RootPaths;
import shop.engine.task.Tasks;

/** {@link Builder} over the engine's image store, snapshotter and tasks (RUN steps). */
public final class DockerfileBuilder implements Builder {

    private static final String CACHE_KEEPER = "build-cache";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path scratch;
    private final ImageStore images;
    private final BaseImages baseImages;
    private final Snapshotter snapshots;
    private final Tasks tasks;

    public DockerfileBuilder(Path scratch, BaseImages baseImages, Snapshotter snapshots, Tasks tasks) {
        this.scratch = scratch;
        this.images = baseImages.store();
        this.baseImages = baseImages;
        this.snapshots = snapshots;
        this.tasks = tasks;
    }

    /** One stage's state while it is being built. */
    private static final class Stage {
        final String name;
        ImageConfig config;
        List<Descriptor> layers;
        String cacheKey;
        boolean cacheOff;
        String imageId;
        boolean cmdSetHere;
        final Map<String, String> args = new LinkedHashMap<>();

        Stage(String name, ImageConfig config, List<Descriptor> layers, String cacheKey, String imageId) {
            this.name = name;
            this.config = config;
            this.layers = new ArrayList<>(layers);
            this.cacheKey = cacheKey;
            this.imageId = imageId;
        }

        ContainerConfig run() {
            return config.containerConfig();
        }
    }

    /** Everything one build shares across its stages and steps. */
    private record Build(BuildRequest request, Dockerfile dockerfile, DockerIgnore ignore, Consumer<String> progress,
                         Map<String, String> globalArgs, Map<String, Stage> stages) {
    }

    @Override
    public Image build(BuildRequest request, Consumer<String> progress) {
        Path context = request.context().toAbsolutePath().normalize();
        String name = request.dockerfile() == null || request.dockerfile().isEmpty() ? "Dockerfile" : request.dockerfile();
        Path file = context.resolve(name).normalize();
        if (!file.startsWith(context) || !Files.isRegularFile(file)) {
            throw EngineException.invalid("Cannot locate specified Dockerfile: " + name);
        }
        for (String tag : request.tags()) {
            shop.engine.image.Reference.parse(tag);
        }
        Dockerfile dockerfile;
        DockerIgnore ignore;
        try {
            dockerfile = new DockerfileParser(name).parse(Files.readString(file));
            Path ignoreFile = context.resolve(".dockerignore");
            ignore = Files.isRegularFile(ignoreFile) ? new DockerIgnore(Files.readString(ignoreFile)) : DockerIgnore.none();
        } catch (IOException e) {
            throw EngineException.failed("read " + file + ": " + e.getMessage(), e);
        }
        List<Instruction> steps = dockerfile.instructions();
        if (steps.stream().noneMatch(i -> i.keyword().equals("FROM"))) {
            throw new DockerfileException(name, steps.isEmpty() ? 1 : steps.get(0).line(), null, "no FROM instruction");
        }
        Build build = new Build(request, dockerfile, ignore, progress, new LinkedHashMap<>(), new LinkedHashMap<>());
        Stage stage = null;
        Stage target = null;
        int number = 0;
        for (Instruction ins : steps) {
            progress.accept("Step " + (++number) + "/" + steps.size() + " : " + ins.original() + "\n");
            try {
                if (ins.keyword().equals("FROM")) {
                    stage = from(build, ins, build.stages().size());
                    if (request.target() != null && request.target().equals(stage.name)) {
                        target = stage;
                    }
                } else if (stage == null) {
                    if (!ins.keyword().equals("ARG")) {
                        throw new DockerfileException(name, ins.line(), ins.keyword(), "the first instruction must be FROM (or ARG before it)");
                    }
                    globalArg(build, ins);
                } else {
                    step(build, stage, ins);
                }
            } catch (DockerfileException e) {
                throw e;
            } catch (EngineException | IllegalArgumentException e) {
                throw new DockerfileException(name, ins.line(), ins.keyword(), e.getMessage());
            }
        }
        if (request.target() != null && target == null) {
            throw EngineException.invalid("target stage \"" + request.target() + "\" could not be found");
        }
        Stage result = target != null ? target : stage;
        if (request.labels() != null && !request.labels().isEmpty()) {
            Map<String, String> labels = new TreeMap<>(result.run().labels() == null ? Map.of() : result.run().labels());
            labels.putAll(request.labels());
            result.config = result.config.withConfig(result.run().withLabels(labels));
            commit(result, "labels " + labels);
        }
        Image image = images.resolve(result.imageId);
        progress.accept("Successfully built " + image.shortId() + "\n");
        for (String tag : request.tags()) {
            images.tag(image.id(), tag);
            progress.accept("Successfully tagged " + shop.engine.image.Reference.parse(tag).familiar() + "\n");
        }
        return image;
    }

    private void globalArg(Build build, Instruction ins) {
        for (Map.Entry<String, String> arg : argPairs(build, ins, build.globalArgs()::get).entrySet()) {
            build.globalArgs().put(arg.getKey(), build.request().buildArgs().getOrDefault(arg.getKey(), arg.getValue()));
        }
    }

    private Stage from(Build build, Instruction ins, int index) {
        List<String> words = ShellWords.split(ShellWords.expand(ins.text(), build.globalArgs()::get, build.dockerfile().escape()),
                build.dockerfile().escape());
        if (words.size() != 1 && !(words.size() == 3 && words.get(1).equalsIgnoreCase("AS"))) {
            throw new IllegalArgumentException("want FROM <image> [AS <name>]");
        }
        String base = words.get(0);
        String name = words.size() == 3 ? words.get(2).toLowerCase() : String.valueOf(index);
        Stage stage;
        Stage previous = build.stages().get(base.toLowerCase());
        if (previous != null) {
            stage = new Stage(name, previous.config, previous.layers, previous.cacheKey, previous.imageId);
        } else if (base.equals("scratch")) {
            ImageConfig empty = ImageConfig.empty(Instant.now().toString());
            stage = new Stage(name, empty, List.of(), "scratch", null);
            stage.imageId = images.commit(empty, List.of(), Map.of(CACHE_KEEPER, "scratch")).id();
        } else {
            Image image = baseImages.resolve(base);
            stage = new Stage(name, image.config(), image.manifest().layers(), image.id(), image.id());
            build.progress().accept(" ---> " + image.shortId() + "\n");
        }
        stage.cacheOff = build.request().noCache();
        build.stages().put(name, stage);
        build.stages().put(String.valueOf(index), stage);
        return stage;
    }

    private void step(Build build, Stage stage, Instruction ins) {
        char escape = build.dockerfile().escape();
        ContainerConfig run = stage.run();
        switch (ins.keyword()) {
            case "RUN" -> runStep(build, stage, ins);
            case "COPY", "ADD" -> copyStep(build, stage, ins);
            case "ARG" -> {
                Map<String, String> declared = argPairs(build, ins, name -> lookup(build, stage, name));
                for (Map.Entry<String, String> arg : declared.entrySet()) {
                    String value = build.request().buildArgs().containsKey(arg.getKey()) ? build.request().buildArgs().get(arg.getKey())
                            : arg.getValue() != null ? arg.getValue() : build.globalArgs().get(arg.getKey());
                    stage.args.put(arg.getKey(), value);
                }
                configStep(build, stage, ins, run);
            }
            case "ENV" -> {
                Map<String, String> env = new LinkedHashMap<>();
                for (String e : run.env() == null ? List.<String>of() : run.env()) {
                    int eq = e.indexOf('=');
                    env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
                }
                env.putAll(ShellWords.pairs(expand(build, stage, ins), escape, true));
                configStep(build, stage, ins, run.withEnv(env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
            }
            case "LABEL" -> {
                Map<String, String> labels = new TreeMap<>(run.labels() == null ? Map.of() : run.labels());
                labels.putAll(ShellWords.pairs(expand(build, stage, ins), escape, true));
                configStep(build, stage, ins, run.withLabels(labels));
            }
            case "MAINTAINER" -> {
                stage.config = new ImageConfig(stage.config.created(), ins.text(), stage.config.architecture(),
                        stage.config.os(), run, stage.config.rootfs(), stage.config.history());
                configStep(build, stage, ins, run);
            }
            case "WORKDIR" -> {
                String dir = expand(build, stage, ins).strip();
                String base = run.workingDir() == null || run.workingDir().isEmpty() ? "/" : run.workingDir();
                configStep(build, stage, ins, run.withWorkingDir(Path.of(base).resolve(dir).normalize().toString()));
            }
            case "USER" -> configStep(build, stage, ins, run.withUser(expand(build, stage, ins).strip()));
            case "EXPOSE" -> {
                Map<String, Object> ports = new TreeMap<>(run.exposedPorts() == null ? Map.of() : run.exposedPorts());
                for (String port : ShellWords.split(expand(build, stage, ins), escape)) {
                    if (!port.matches("\\d+(-\\d+)?(/(tcp|udp|sctp))?")) {
                        throw new IllegalArgumentException("invalid port \"" + port + "\"");
                    }
                    ports.put(port.contains("/") ? port : port + "/tcp", Map.of());
                }
                configStep(build, stage, ins, run.withExposedPorts(ports));
            }
            case "VOLUME" -> {
                Map<String, Object> volumes = new TreeMap<>(run.volumes() == null ? Map.of() : run.volumes());
                List<String> paths = ins.isJson() ? ins.json() : ShellWords.split(expand(build, stage, ins), escape);
                paths.forEach(v -> volumes.put(v, Map.of()));
                configStep(build, stage, ins, run.withVolumes(volumes));
            }
            case "CMD" -> {
                stage.cmdSetHere = true;
                configStep(build, stage, ins, run.withCmd(command(ins, run)));
            }
            case "ENTRYPOINT" -> {
                // As Docker: a new ENTRYPOINT drops a CMD inherited from the base image.
                ContainerConfig next = run.withEntrypoint(command(ins, run));
                configStep(build, stage, ins, stage.cmdSetHere ? next : next.withCmd(null));
            }
            case "SHELL" -> {
                if (!ins.isJson() || ins.json().isEmpty()) {
                    throw new IllegalArgumentException("SHELL requires the arguments to be in JSON form");
                }
                configStep(build, stage, ins, run.withShell(ins.json()));
            }
            case "STOPSIGNAL" -> configStep(build, stage, ins, run.withStopSignal(expand(build, stage, ins).strip()));
            case "HEALTHCHECK" -> configStep(build, stage, ins, run.withHealthcheck(HealthcheckInstruction.parse(ins)));
            default -> throw new IllegalArgumentException("unsupported instruction");
        }
    }

    private static List<String> command(Instruction ins, ContainerConfig run) {
        if (ins.isJson()) {
            return ins.json();
        }
        List<String> shell = new ArrayList<>(run.shell() == null ? List.of("/bin/sh", "-c") : run.shell());
        shell.add(ins.text());
        return shell;
    }

    private Map<String, String> argPairs(Build build, Instruction ins, java.util.function.Function<String, String> lookup) {
        Map<String, String> pairs = new LinkedHashMap<>();
        char escape = build.dockerfile().escape();
        for (String word : ShellWords.split(ShellWords.expand(ins.text(), lookup, escape), escape)) {
            int eq = word.indexOf('=');
            String key = eq < 0 ? word : word.substring(0, eq);
            if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("invalid ARG name \"" + key + "\"");
            }
            pairs.put(key, eq < 0 ? null : word.substring(eq + 1));
        }
        return pairs;
    }

    /** ENV of the image wins over ARG of the same name, as Docker resolves them. */
    private static String lookup(Build build, Stage stage, String name) {
        for (String e : stage.run().env() == null ? List.<String>of() : stage.run().env()) {
            if (e.startsWith(name + "=")) {
                return e.substring(name.length() + 1);
            }
        }
        return stage.args.get(name);
    }

    private static String expand(Build build, Stage stage, Instruction ins) {
        return ShellWords.expand(ins.text(), name -> lookup(build, stage, name), build.dockerfile().escape());
    }

    private void configStep(Build build, Stage stage, Instruction ins, ContainerConfig next) {
        cachedStep(build, stage, ins.original(), () -> {
            stage.config = stage.config.withConfig(next).withStep(Instant.now().toString(),
                    "/bin/sh -c #(nop) " + ins.original(), null);
        });
    }

    /** Looks the step up in the cache; on a miss runs it, commits and remembers it. */
    private void cachedStep(Build build, Stage stage, String keyText, Runnable work) {
        String key = Digest.of((stage.cacheKey + "\n" + keyText).getBytes(StandardCharsets.UTF_8));
        if (!stage.cacheOff) {
            Optional<Image> hit = images.kept(CACHE_KEEPER, key);
            if (hit.isPresent()) {
                stage.config = hit.get().config();
                stage.layers = new ArrayList<>(hit.get().manifest().layers());
                stage.cacheKey = key;
                stage.imageId = hit.get().id();
                build.progress().accept(" ---> Using cache\n ---> " + hit.get().shortId() + "\n");
                return;
            }
            stage.cacheOff = true;
        }
        work.run();
        stage.cacheKey = key;
        commit(stage, key);
        build.progress().accept(" ---> " + stage.imageId.substring(7, 19) + "\n");
    }

    private void commit(Stage stage, String key) {
        stage.imageId = images.commit(stage.config, stage.layers, Map.of(CACHE_KEEPER, key)).id();
    }

    // --- RUN ---

    private void runStep(Build build, Stage stage, Instruction ins) {
        ContainerConfig run = stage.run();
        List<String> args = command(ins, run);
        Map<String, String> env = new LinkedHashMap<>();
        stage.args.forEach((k, v) -> {
            if (v != null) {
                env.put(k, v);
            }
        });
        for (String e : run.env() == null ? List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") : run.env()) {
            int eq = e.indexOf('=');
            env.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
        }
        // RUN is matched on its command; build-arg values it sees are part of it, as in Docker.
        String keyText = "RUN " + args + " " + new TreeMap<>(stage.args);
        cachedStep(build, stage, keyText, () -> inSnapshot(stage, "/bin/sh -c " + ins.text(), rootfs -> {
            String key = rootfs.getParent().getFileName().toString();
            String workdir = run.workingDir() == null || run.workingDir().isEmpty() ? "/" : run.workingDir();
            Users.Resolved user;
            try {
                user = Tasks.prepare(rootfs, run.user(), List.of(), workdir);
            } catch (IOException e) {
                throw EngineException.failed("create WORKDIR " + workdir + ": " + e.getMessage(), e);
            }
            Path bundle = scratch.resolve(key);
            Path log = bundle.resolve("output.log");
            try {
                Files.createDirectories(bundle);
                Files.createFile(log);
                List<BundleSpec.Mount> mounts = new ArrayList<>();
                for (String file : List.of("/etc/resolv.conf", "/etc/hosts")) {
                    if (Files.exists(Path.of(file))) {
                        mounts.add(BundleSpec.Mount.bind(Path.of(file), file, true));
                    }
                }
                BundleSpec.Process process = BundleSpec.Process.of(args,
                        env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList(),
                        workdir, user.uid(), user.gid(), user.additionalGids());
                int code = tasks.run(key, new BundleSpec(rootfs, false, process, "buildkitsandbox", mounts,
                        BundleSpec.Namespaces.of("host"), BundleSpec.Resources.NONE, Map.of(), false, false, null),
                        bundle, log, build.progress());
                if (code != 0) {
                    throw EngineException.invalid("The command '" + String.join(" ", args) + "' returned a non-zero code: " + code);
                }
            } catch (IOException e) {
                throw EngineException.failed("RUN: " + e.getMessage(), e);
            } finally {
                FileTrees.deleteOrFail(bundle, "RUN scratch");
            }
        }));
    }

    /** Mounts the stage's layers on a throwaway snapshot, lets {@code change} write, and adds its diff as a layer. */
    private void inSnapshot(Stage stage, String createdBy, Consumer<Path> change) {
        String key = "build-" + Ids.random().substring(0, 16);
        try {
            Path rootfs = snapshots.mount(key, layers(stage));
            change.accept(rootfs);
            snapshots.unmount(key);
            Descriptor layer = snapshots.commitDiff(key, images.content());
            stage.layers.add(layer);
            stage.config = stage.config.withStep(Instant.now().toString(), createdBy, layer.digest());
        } finally {
            snapshots.remove(key);
        }
    }

    private List<Layer> layers(Stage stage) {
        return Layer.of(stage.config, stage.layers, images.content());
    }

    // --- COPY and ADD ---

    private void copyStep(Build build, Stage stage, Instruction ins) {
        char escape = build.dockerfile().escape();
        for (String flag : ins.flags().keySet()) {
            if (!List.of("from", "chown", "chmod", "link").contains(flag)) {
                throw new IllegalArgumentException("unknown flag: --" + flag);
            }
        }
        List<String> words = ins.isJson()
                ? ins.json().stream().map(w -> ShellWords.expand(w, name -> lookup(build, stage, name), escape)).toList()
                : ShellWords.split(expand(build, stage, ins), escape);
        if (words.size() < 2) {
            throw new IllegalArgumentException(ins.keyword() + " requires at least two arguments: source(s) and destination");
        }
        List<String> sources = words.subList(0, words.size() - 1);
        String dest = words.get(words.size() - 1);
        String workdir = stage.run().workingDir() == null || stage.run().workingDir().isEmpty() ? "/" : stage.run().workingDir();
        String destPath = dest.startsWith("/") ? dest : workdir + (workdir.endsWith("/") ? "" : "/") + dest;
        boolean destIsDir = dest.endsWith("/") || dest.equals(".");
        String from = ins.flags().get("from");
        String chown = ins.flags().get("chown");
        Integer chmod = ins.flags().containsKey("chmod") ? Integer.valueOf(ins.flags().get("chmod"), 8) : null;
        boolean add = ins.keyword().equals("ADD");

        Stage fromStage = from == null ? null : build.stages().get(from.toLowerCase());
        Image fromImage = from == null || fromStage != null ? null : baseImages.resolve(from);
        String fromId = fromStage != null ? fromStage.imageId : fromImage != null ? fromImage.id() : null;
        Path context = build.request().context().toAbsolutePath().normalize();

        if (fromId != null) {
            copyFrom(build, stage, ins, fromStage != null ? layers(fromStage) : Layer.of(fromImage, images.content()), sources, destPath, destIsDir,
                    chown, chmod);
            return;
        }
        List<Path> matched = new ArrayList<>();
        for (String source : sources) {
            if (source.matches("(?i)https?://.*")) {
                throw new IllegalArgumentException("ADD from a URL needs a network this engine's builds do not reach; download it into the context");
            }
            matched.addAll(match(context, source, build.ignore()));
        }
        if ((matched.size() > 1 || sources.size() > 1) && !destIsDir) {
            throw new IllegalArgumentException("When using " + ins.keyword()
                    + " with more than one source file, the destination must be a directory and end with a /");
        }
        copyCached(build, stage, ins, context, matched, destPath, destIsDir, chown, chmod, build.ignore(), add);
    }

    /** The step keyed on the checksum of what it copies (content and modes, not mtimes), then the copy on a miss. */
    private void copyCached(Build build, Stage stage, Instruction ins, Path sourceRoot, List<Path> sources, String destPath,
                            boolean destIsDir, String chown, Integer chmod, DockerIgnore ignore, boolean add) {
        String keyText = ins.original() + " " + checksum(sourceRoot, sources, ignore);
        cachedStep(build, stage, keyText, () -> inSnapshot(stage, "/bin/sh -c #(nop) " + ins.original(), rootfs -> {
            Users.Resolved owner = chown == null ? null : Users.resolve(rootfs, chown);
            for (Path source : sources) {
                copyInto(sourceRoot, source, rootfs, destPath, destIsDir || sources.size() > 1, owner, chmod, ignore, add);
            }
        }));
    }

    /**
     * COPY --from: keyed, as BuildKit does, on the content and modes of what it copies, not on the
     * source stage's identity, so a rebuilt stage that yields the same files (a Spring Boot jar's
     * dependencies after a code change) keeps this step, and its layer, cached.
     */
    private void copyFrom(Build build, Stage stage, Instruction ins, List<Layer> layers, List<String> sources, String destPath,
                          boolean destIsDir, String chown, Integer chmod) {
        String key = "from-" + Ids.random().substring(0, 16);
        try {
            Path fromRoot = snapshots.mount(key, layers);
            List<Path> resolved = new ArrayList<>();
            for (String source : sources) {
                Path path = RootPaths.resolve(fromRoot, source);
                if (!Files.exists(path, NOFOLLOW)) {
                    throw EngineException.invalid("COPY --from: " + source + ": no such file or directory");
                }
                resolved.add(path);
            }
            copyCached(build, stage, ins, fromRoot, resolved, destPath, destIsDir, chown, chmod, DockerIgnore.none(), false);
        } finally {
            snapshots.remove(key);
        }
    }

    /** Context paths matching one source (globs allowed in the last component), minus ignored ones. */
    private static List<Path> match(Path context, String source, DockerIgnore ignore) {
        Path whole = context.resolve(source.startsWith("/") ? source.substring(1) : source).normalize();
        if (!whole.startsWith(context)) {
            throw EngineException.invalid("forbidden path outside the build context: " + source);
        }
        List<Path> found = new ArrayList<>();
        if (source.matches(".*[*?\\[].*")) {
            Path dir = whole.getParent();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + whole.getFileName());
            if (Files.isDirectory(dir)) {
                try (Stream<Path> list = Files.list(dir)) {
                    list.filter(p -> matcher.matches(p.getFileName())).sorted().forEach(found::add);
                } catch (IOException e) {
                    throw EngineException.failed("list " + dir + ": " + e.getMessage(), e);
                }
            }
        } else if (Files.exists(whole, NOFOLLOW)) {
            found.add(whole);
        }
        found.removeIf(p -> !p.equals(context) && ignore.excludes(context.relativize(p).toString()));
        if (found.isEmpty()) {
            throw EngineException.invalid("file not found in build context or excluded by .dockerignore: " + source);
        }
        return found;
    }

    /** sha256 over each file's context path, mode, and content (or link target); mtimes do not count. */
    private static String checksum(Path context, List<Path> sources, DockerIgnore ignore) {
        MessageDigest sha = Digest.sha256();
        for (Path source : sources) {
            try (Stream<Path> walk = Files.walk(source)) {
                for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                    String rel = context.relativize(p).toString();
                    if (!p.equals(context) && ignore.excludes(rel)) {
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
    private static void copyInto(Path sourceRoot, Path source, Path rootfs, String destPath, boolean destIsDir,
                                 Users.Resolved owner, Integer chmod, DockerIgnore ignore, boolean extractArchives) {
        try {
            if (Files.isDirectory(source, NOFOLLOW)) {
                Path dest = RootPaths.resolve(rootfs, destPath);
                Files.createDirectories(dest);
                try (Stream<Path> walk = Files.walk(source)) {
                    for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                        if (p.equals(source)) {
                            continue;
                        }
                        String relToContext = sourceRoot.relativize(p).toString();
                        if (ignore.excludes(relToContext)) {
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
        } catch (java.util.zip.ZipException notGzip) {
            return false;
        }
    }
}
