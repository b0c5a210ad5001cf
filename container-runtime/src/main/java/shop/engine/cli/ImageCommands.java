package shop.engine.cli;

import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.Json;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.image.Reference;

/** images, inspect, tag, rmi, import, save, load. */
final class ImageCommands {

    private ImageCommands() {
    }

    @Command(name = "images", description = "List images")
    static final class Images implements Callable<Integer> {
        @ParentCommand
        Main main;

        @Override
        public Integer call() {
            var out = main.out;
            out.printf("%-40s %-20s %-14s %-16s %s%n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
            for (Image image : main.engine().images().list()) {
                long size = image.manifest().layers().stream().mapToLong(l -> l.size()).sum();
                List<Reference> names = image.names().isEmpty() ? List.of() : image.names();
                if (names.isEmpty()) {
                    out.printf("%-40s %-20s %-14s %-16s %s%n", "<none>", "<none>", image.shortId(), age(image), mb(size));
                }
                for (Reference ref : names) {
                    out.printf("%-40s %-20s %-14s %-16s %s%n", ref.familiarName(), ref.tag(), image.shortId(), age(image), mb(size));
                }
            }
            return 0;
        }

        private static String age(Image image) {
            if (image.config().created() == null) {
                return "";
            }
            Duration d = Duration.between(Instant.parse(image.config().created()), Instant.now());
            return d.toHours() > 0 ? d.toHours() + " hours ago" : d.toMinutes() + " minutes ago";
        }

        private static String mb(long bytes) {
            return String.format("%.1fMB", bytes / 1e6);
        }
    }

    @Command(name = "inspect", description = "Show an image's manifest and config, or a container's record, as JSON")
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Parameters(arity = "1..*")
        List<String> names;

        @Override
        public Integer call() throws Exception {
            List<Object> found = new ArrayList<>();
            for (String name : names) {
                var image = main.engine().images().find(name);
                found.add(image.isPresent() ? image.get() : main.engine().containers().inspect(name));
            }
            main.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(found));
            return 0;
        }
    }

    @Command(name = "tag", description = "Give an image another name")
    static final class Tag implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Parameters(index = "0")
        String source;
        @Parameters(index = "1")
        String target;

        @Override
        public Integer call() {
            main.engine().images().tag(source, target);
            return 0;
        }
    }

    @Command(name = "rmi", description = "Remove images")
    static final class Rmi implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Option(names = {"-f", "--force"})
        boolean force;
        @Parameters(arity = "1..*")
        List<String> names;

        @Override
        public Integer call() {
            for (String name : names) {
                main.engine().images().remove(name, force).forEach(main.out::println);
            }
            return 0;
        }
    }

    @Command(name = "import", description = "Import a root filesystem tarball (plain or gzip; - for stdin) as an image")
    static final class Import implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Parameters(index = "0")
        String file;
        @Parameters(index = "1")
        String reference;
        @Option(names = "--cmd", description = "Default command, one --cmd per argument")
        List<String> cmd;
        @Option(names = {"-e", "--env"})
        List<String> env;

        @Override
        public Integer call() throws Exception {
            ContainerConfig config = ContainerConfig.EMPTY.withCmd(cmd).withEnv(env);
            try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file))) {
                main.out.println(main.engine().images().importRootfs(in, reference, config).id());
            }
            return 0;
        }
    }

    @Command(name = "save", description = "Save images to a tarball (OCI layout and docker-archive in one)")
    static final class Save implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Option(names = {"-o", "--output"}, required = true)
        Path output;
        @Parameters(arity = "1..*")
        List<String> names;

        @Override
        public Integer call() throws Exception {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output))) {
                main.engine().images().save(names, out);
            }
            return 0;
        }
    }

    @Command(name = "load", description = "Load images from an OCI layout or docker-archive tarball")
    static final class Load implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Option(names = {"-i", "--input"}, required = true)
        Path input;

        @Override
        public Integer call() throws Exception {
            try (InputStream in = Files.newInputStream(input)) {
                for (String loaded : main.engine().images().load(in)) {
                    main.out.println((loaded.startsWith("sha256:") ? "Loaded image ID: " : "Loaded image: ") + loaded);
                }
            }
            return 0;
        }
    }
}
