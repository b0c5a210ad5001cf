package shop.engine.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import shop.engine.content.Descriptor;
import shop.engine.dockerfile.Dockerfile;
import shop.engine.dockerfile.DockerfileException;
import shop.engine.dockerfile.DockerfileParser;
import shop.engine.dockerfile.Instruction;
import shop.engine.dockerfile.ShellWords;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.ImageStore;
import shop.engine.image.Reference;
import shop.engine.runtime.BundleSpec;
import shop.engine.runtime.Users;
import shop.engine.snapshot.Layer;
import shop.engine.snapshot.Snapshotter;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.Ids;
import shop.engine.support.RootPaths;
import shop.engine.task.Tasks;

/**
 * {@link Builder} over the engine's image store, snapshotter and tasks (RUN steps). It walks the
 * Dockerfile's stages and steps; the build cache ({@link BuildCache}), the files COPY and ADD read
 * ({@link BuildContext}) and the instructions that change only the config ({@link ConfigInstructions})
 * are their own classes.
 */
public final class DockerfileBuilder implements Builder {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private final Path scratch;
    private final ImageStore images;
    private final BaseImages baseImages;
    private final Snapshotter snapshots;
    private final Tasks tasks;
    private final BuildCache cache;

    public DockerfileBuilder(Path scratch, BaseImages baseImages, Snapshotter snapshots, Tasks tasks) {
        this.scratch = scratch;
        this.images = baseImages.store();
        this.baseImages = baseImages;
        this.snapshots = snapshots;
        this.tasks = tasks;
        this.cache = new BuildCache(images);
    }

    /** Everything one build shares across its stages and steps. */
    private record Build(BuildRequest request, Dockerfile dockerfile, BuildContext context, Consumer<String> progress,
                         Map<String, String> globalArgs, Map<String, BuildStage> stages) {
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
            Reference.parse(tag);
        }
        Dockerfile dockerfile;
        BuildContext files;
        try {
            dockerfile = new DockerfileParser(name).parse(Files.readString(file));
            files = BuildContext.of(context);
        } catch (IOException e) {
            throw EngineException.failed("read " + file + ": " + e.getMessage(), e);
        }
        List<Instruction> steps = dockerfile.instructions();
        if (steps.stream().noneMatch(i -> i.keyword().equals("FROM"))) {
            throw new DockerfileException(name, steps.isEmpty() ? 1 : steps.get(0).line(), null, "no FROM instruction");
        }
        Build build = new Build(request, dockerfile, files, progress, new LinkedHashMap<>(), new LinkedHashMap<>());
        BuildStage stage = null;
        BuildStage target = null;
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
        BuildStage result = target != null ? target : stage;
        if (request.labels() != null && !request.labels().isEmpty()) {
            Map<String, String> labels = new TreeMap<>(result.run().labels() == null ? Map.of() : result.run().labels());
            labels.putAll(request.labels());
            result.config = result.config.withConfig(result.run().withLabels(labels));
            cache.commit(result, "labels " + labels);
        }
        Image image = images.resolve(result.imageId);
        progress.accept("Successfully built " + image.shortId() + "\n");
        for (String tag : request.tags()) {
            images.tag(image.id(), tag);
            progress.accept("Successfully tagged " + Reference.parse(tag).familiar() + "\n");
        }
        return image;
    }

    private void globalArg(Build build, Instruction ins) {
        for (Map.Entry<String, String> arg : argPairs(build, ins, build.globalArgs()::get).entrySet()) {
            build.globalArgs().put(arg.getKey(), build.request().buildArgs().getOrDefault(arg.getKey(), arg.getValue()));
        }
    }

    private BuildStage from(Build build, Instruction ins, int index) {
        List<String> words = ShellWords.split(ShellWords.expand(ins.text(), build.globalArgs()::get, build.dockerfile().escape()),
                build.dockerfile().escape());
        if (words.size() != 1 && !(words.size() == 3 && words.get(1).equalsIgnoreCase("AS"))) {
            throw new IllegalArgumentException("want FROM <image> [AS <name>]");
        }
        String base = words.get(0);
        String name = words.size() == 3 ? words.get(2).toLowerCase() : String.valueOf(index);
        BuildStage stage;
        BuildStage previous = build.stages().get(base.toLowerCase());
        if (previous != null) {
            stage = new BuildStage(name, previous.config, previous.layers, previous.cacheKey, previous.imageId);
        } else if (base.equals("scratch")) {
            ImageConfig empty = ImageConfig.empty(Instant.now().toString());
            stage = new BuildStage(name, empty, List.of(), "scratch", null);
            stage.imageId = cache.scratch(empty);
        } else {
            Image image = baseImages.resolve(base);
            stage = new BuildStage(name, image.config(), image.manifest().layers(), image.id(), image.id());
            build.progress().accept(" ---> " + image.shortId() + "\n");
        }
        stage.cacheOff = build.request().noCache();
        build.stages().put(name, stage);
        build.stages().put(String.valueOf(index), stage);
        return stage;
    }

    private void step(Build build, BuildStage stage, Instruction ins) {
        ContainerConfig run = stage.run();
        switch (ins.keyword()) {
            case "RUN" -> runStep(build, stage, ins);
            case "COPY", "ADD" -> copyStep(build, stage, ins);
            case "ARG" -> {
                Map<String, String> declared = argPairs(build, ins, stage::variable);
                for (Map.Entry<String, String> arg : declared.entrySet()) {
                    String value = build.request().buildArgs().containsKey(arg.getKey()) ? build.request().buildArgs().get(arg.getKey())
                            : arg.getValue() != null ? arg.getValue() : build.globalArgs().get(arg.getKey());
                    stage.args.put(arg.getKey(), value);
                }
                configStep(build, stage, ins, run);
            }
            case "MAINTAINER" -> {
                stage.config = new ImageConfig(stage.config.created(), ins.text(), stage.config.architecture(),
                        stage.config.os(), run, stage.config.rootfs(), stage.config.history());
                configStep(build, stage, ins, run);
            }
            default -> {
                ContainerConfig next = ConfigInstructions.apply(ins, run, () -> expand(build, stage, ins),
                        build.dockerfile().escape(), stage.cmdSetHere);
                if (ins.keyword().equals("CMD")) {
                    stage.cmdSetHere = true;
                }
                configStep(build, stage, ins, next);
            }
        }
    }

    private Map<String, String> argPairs(Build build, Instruction ins, Function<String, String> lookup) {
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

    private static String expand(Build build, BuildStage stage, Instruction ins) {
        return ShellWords.expand(ins.text(), stage::variable, build.dockerfile().escape());
    }

    private void configStep(Build build, BuildStage stage, Instruction ins, ContainerConfig next) {
        cache.step(stage, ins.original(), () -> {
            stage.config = stage.config.withConfig(next).withStep(Instant.now().toString(),
                    "/bin/sh -c #(nop) " + ins.original(), null);
        }, build.progress());
    }

    /** Mounts the stage's layers on a throwaway snapshot, lets {@code change} write, and adds its diff as a layer. */
    private void inSnapshot(BuildStage stage, String createdBy, Consumer<Path> change) {
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

    private List<Layer> layers(BuildStage stage) {
        return Layer.of(stage.config, stage.layers, images.content());
    }

    // --- RUN ---

    /** A task on the step's snapshot, with the host's network (and its resolv.conf and hosts) so it reaches mirrors. */
    private void runStep(Build build, BuildStage stage, Instruction ins) {
        ContainerConfig run = stage.run();
        List<String> args = ConfigInstructions.command(ins, run);
        Map<String, String> env = new LinkedHashMap<>();
        stage.args.forEach((k, v) -> {
            if (v != null) {
                env.put(k, v);
            }
        });
        ConfigInstructions.putEnv(env, run.env() == null
                ? List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") : run.env());
        // RUN is matched on its command; build-arg values it sees are part of it, as in Docker.
        String keyText = "RUN " + args + " " + new TreeMap<>(stage.args);
        cache.step(stage, keyText, () -> inSnapshot(stage, "/bin/sh -c " + ins.text(), rootfs -> {
            String key = rootfs.getParent().getFileName().toString();
            String workdir = ConfigInstructions.workingDir(run);
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
                        BundleSpec.Namespaces.of("host"), BundleSpec.Resources.NONE, Map.of(), false, false, true, null),
                        bundle, log, build.progress());
                if (code != 0) {
                    throw EngineException.invalid("The command '" + String.join(" ", args) + "' returned a non-zero code: " + code);
                }
            } catch (IOException e) {
                throw EngineException.failed("RUN: " + e.getMessage(), e);
            } finally {
                FileTrees.deleteOrFail(bundle, "RUN scratch");
            }
        }), build.progress());
    }

    // --- COPY and ADD ---

    private void copyStep(Build build, BuildStage stage, Instruction ins) {
        char escape = build.dockerfile().escape();
        for (String flag : ins.flags().keySet()) {
            if (!List.of("from", "chown", "chmod", "link").contains(flag)) {
                throw new IllegalArgumentException("unknown flag: --" + flag);
            }
        }
        List<String> words = ins.isJson()
                ? ins.json().stream().map(w -> ShellWords.expand(w, stage::variable, escape)).toList()
                : ShellWords.split(expand(build, stage, ins), escape);
        if (words.size() < 2) {
            throw new IllegalArgumentException(ins.keyword() + " requires at least two arguments: source(s) and destination");
        }
        List<String> sources = words.subList(0, words.size() - 1);
        String dest = words.get(words.size() - 1);
        String workdir = ConfigInstructions.workingDir(stage.run());
        String destPath = dest.startsWith("/") ? dest : workdir + (workdir.endsWith("/") ? "" : "/") + dest;
        boolean destIsDir = dest.endsWith("/") || dest.equals(".");
        String from = ins.flags().get("from");
        String chown = ins.flags().get("chown");
        Integer chmod = ins.flags().containsKey("chmod") ? Integer.valueOf(ins.flags().get("chmod"), 8) : null;
        boolean add = ins.keyword().equals("ADD");

        BuildStage fromStage = from == null ? null : build.stages().get(from.toLowerCase());
        Image fromImage = from == null || fromStage != null ? null : baseImages.resolve(from);
        String fromId = fromStage != null ? fromStage.imageId : fromImage != null ? fromImage.id() : null;

        if (fromId != null) {
            copyFrom(build, stage, ins, fromStage != null ? layers(fromStage) : Layer.of(fromImage, images.content()), sources,
                    destPath, destIsDir, chown, chmod);
            return;
        }
        List<Path> matched = new ArrayList<>();
        for (String source : sources) {
            if (source.matches("(?i)https?://.*")) {
                throw new IllegalArgumentException("ADD from a URL needs a network this engine's builds do not reach; download it into the context");
            }
            matched.addAll(build.context().match(source));
        }
        if ((matched.size() > 1 || sources.size() > 1) && !destIsDir) {
            throw new IllegalArgumentException("When using " + ins.keyword()
                    + " with more than one source file, the destination must be a directory and end with a /");
        }
        copyCached(build, stage, ins, build.context(), matched, destPath, destIsDir, chown, chmod, add);
    }

    /** The step keyed on the checksum of what it copies (content and modes, not mtimes), then the copy on a miss. */
    private void copyCached(Build build, BuildStage stage, Instruction ins, BuildContext from, List<Path> sources,
                            String destPath, boolean destIsDir, String chown, Integer chmod, boolean add) {
        String keyText = ins.original() + " " + from.checksum(sources);
        cache.step(stage, keyText, () -> inSnapshot(stage, "/bin/sh -c #(nop) " + ins.original(), rootfs -> {
            Users.Resolved owner = chown == null ? null : Users.resolve(rootfs, chown);
            for (Path source : sources) {
                from.copy(source, rootfs, destPath, destIsDir || sources.size() > 1, owner, chmod, add);
            }
        }), build.progress());
    }

    /**
     * COPY --from: keyed, as BuildKit does, on the content and modes of what it copies, not on the
     * source stage's identity, so a rebuilt stage that yields the same files (a Spring Boot jar's
     * dependencies after a code change) keeps this step, and its layer, cached.
     */
    private void copyFrom(Build build, BuildStage stage, Instruction ins, List<Layer> layers, List<String> sources,
                          String destPath, boolean destIsDir, String chown, Integer chmod) {
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
            copyCached(build, stage, ins, BuildContext.whole(fromRoot), resolved, destPath, destIsDir, chown, chmod, false);
        } finally {
            snapshots.remove(key);
        }
    }
}
