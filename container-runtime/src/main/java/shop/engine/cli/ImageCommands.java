package shop.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.transport.DockerHttpClient.Request.Method;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import shop.engine.client.EngineRequests;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/** images, inspect, tag, rmi, import, save, load: all through the engine's API, as the docker CLI does them. */
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
            for (Image image : main.docker().listImagesCmd().exec()) {
                String id = image.getId().substring(image.getId().indexOf(':') + 1);
                String shortId = id.substring(0, Math.min(12, id.length()));
                String[] tags = image.getRepoTags() == null || image.getRepoTags().length == 0
                        ? new String[] {"<none>:<none>"} : image.getRepoTags();
                for (String repoTag : tags) {
                    String[] name = splitTag(repoTag);
                    out.printf("%-40s %-20s %-14s %-16s %s%n", name[0], name[1] == null ? "<none>" : name[1], shortId,
                            age(image.getCreated()), String.format("%.1fMB", image.getSize() / 1e6));
                }
            }
            return 0;
        }

        private static String age(Long created) {
            if (created == null || created == 0) {
                return "";
            }
            Duration d = Duration.between(Instant.ofEpochSecond(created), Instant.now());
            return d.toHours() > 0 ? d.toHours() + " hours ago" : d.toMinutes() + " minutes ago";
        }
    }

    @Command(name = "inspect", description = "Show images or containers as the API describes them, as JSON")
    static final class Inspect implements Callable<Integer> {
        @ParentCommand
        Main main;
        @Parameters(arity = "1..*")
        List<String> names;

        @Override
        public Integer call() throws Exception {
            ArrayNode found = Json.MAPPER.createArrayNode();
            for (String name : names) {
                found.add(inspect(name));
            }
            main.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(found));
            return 0;
        }

        /** As docker inspect: an image of that name, else a container. */
        private JsonNode inspect(String name) throws Exception {
            try {
                return main.requests().json("/images/" + path(name) + "/json");
            } catch (EngineException e) {
                if (e.kind() != EngineException.Kind.NOT_FOUND) {
                    throw e;
                }
            }
            try {
                return main.requests().json("/containers/" + path(name) + "/json");
            } catch (EngineException e) {
                throw e.kind() == EngineException.Kind.NOT_FOUND ? EngineException.notFound("No such object: " + name) : e;
            }
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
            String[] name = splitTag(target);
            main.docker().tagImageCmd(source, name[0], name[1] == null ? "" : name[1]).exec();
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
        public Integer call() throws Exception {
            for (String name : names) {
                try (DockerHttpClient.Response removed = main.requests().send(Method.DELETE,
                        "/images/" + path(name) + "?force=" + force, null, null)) {
                    // [{"Untagged": ...}, {"Deleted": ...}], printed as docker rmi prints them.
                    Json.MAPPER.readTree(removed.getBody()).forEach(line -> line.fields().forEachRemaining(
                            field -> main.out.println(field.getKey() + ": " + field.getValue().asText())));
                }
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
            String[] name = splitTag(reference);
            StringBuilder path = new StringBuilder("/images/create?fromSrc=-&repo=").append(EngineRequests.encode(name[0]));
            if (name[1] != null) {
                path.append("&tag=").append(EngineRequests.encode(name[1]));
            }
            if (cmd != null) {
                path.append("&changes=").append(EngineRequests.encode("CMD " + Json.MAPPER.writeValueAsString(cmd)));
            }
            for (String pair : env == null ? List.<String>of() : env) {
                path.append("&changes=").append(EngineRequests.encode("ENV " + pair));
            }
            try (InputStream in = file.equals("-") ? System.in : Files.newInputStream(Path.of(file));
                    DockerHttpClient.Response imported = main.requests().send(Method.POST, path.toString(), in,
                            "application/x-tar")) {
                main.out.println(Json.MAPPER.readTree(imported.getBody()).path("status").asText());
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
            String path = "/images/get?" + String.join("&", names.stream().map(name -> "names=" + EngineRequests.encode(name)).toList());
            // Written beside the output and moved into place whole: a failed save leaves no partial tarball.
            Path partial = Files.createTempFile(output.toAbsolutePath().getParent(), ".save-", ".tar");
            try (DockerHttpClient.Response saved = main.requests().send(Method.GET, path, null, null)) {
                Files.copy(saved.getBody(), partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
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
            try (InputStream in = Files.newInputStream(input);
                    DockerHttpClient.Response loaded = main.requests().send(Method.POST, "/images/load", in,
                            "application/x-tar");
                    BufferedReader lines = new BufferedReader(new InputStreamReader(loaded.getBody(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonNode message = Json.MAPPER.readTree(line);
                    if (message.hasNonNull("error")) {
                        throw EngineException.failed(message.get("error").asText(), null);
                    }
                    main.out.print(message.path("stream").asText());
                }
            }
            return 0;
        }
    }

    /**
     * name[:tag] into the name and the tag (null when absent, or for a name@digest); a colon before
     * the last slash is a registry's port.
     */
    static String[] splitTag(String reference) {
        int colon = reference.lastIndexOf(':');
        if (colon < 0 || colon < reference.lastIndexOf('/') || reference.contains("@")) {
            return new String[] {reference, null};
        }
        return new String[] {reference.substring(0, colon), reference.substring(colon + 1)};
    }

    /** A name as one path segment; the engine, like Docker, decodes the slashes it holds. */
    private static String path(String name) {
        return EngineRequests.encode(name).replace("+", "%20");
    }
}
