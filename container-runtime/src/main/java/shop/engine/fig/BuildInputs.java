package shop.engine.fig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import shop.engine.dockerfile.Dockerfile;
import shop.engine.dockerfile.DockerfileException;
import shop.engine.dockerfile.DockerfileParser;
import shop.engine.dockerfile.Instruction;
import shop.engine.dockerfile.ShellWords;

/**
 * What an image built from a service's {@code build:} is made of, as one fingerprint: the
 * Dockerfile, the build args, and the content of what its COPY and ADD instructions take from the
 * context (the whole context when a source is a variable or a glob). fig labels the images it
 * builds with it, and {@code up} builds again only when it changed: a service whose jar was rebuilt
 * gets a new image and new containers, while the others cost a hash, not a build, and a test report
 * written beside a jar changes nothing. A changed base image is not seen: {@code up --build} takes
 * it, as in docker-compose.
 */
final class BuildInputs {

    static final String LABEL = "io.shop.fig.build-inputs";

    private BuildInputs() {
    }

    static String fingerprint(ServiceSpec.Build build) {
        Path context = build.context();
        Path dockerfilePath = context.resolve(build.dockerfile());
        MessageDigest digest = sha256();
        try {
            String text = Files.readString(dockerfilePath);
            digest.update(text.getBytes(StandardCharsets.UTF_8));
            new TreeMap<>(build.args()).forEach((name, value) -> digest.update(("\0arg " + name + "=" + value)
                    .getBytes(StandardCharsets.UTF_8)));
            Dockerfile dockerfile = new DockerfileParser(build.dockerfile()).parse(text);
            for (String source : sources(dockerfile)) {
                if (source.contains("$") || source.matches(".*[*?\\[].*")) {
                    add(digest, context, context);
                } else if (!source.matches("[a-z]+://.*")) {
                    add(digest, context, context.resolve(source).normalize());
                }
            }
        } catch (IOException | DockerfileException e) {
            // The build itself says what is wrong, with its line: let it run and fail there.
            return "unreadable";
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    /** The context paths COPY and ADD read: every word but the last, of those without --from. */
    private static List<String> sources(Dockerfile dockerfile) {
        return dockerfile.instructions().stream()
                .filter(i -> i.keyword().equals("COPY") || i.keyword().equals("ADD"))
                .filter(i -> !i.flags().containsKey("from"))
                .flatMap(i -> {
                    List<String> words = words(i, dockerfile.escape());
                    return words.subList(0, Math.max(0, words.size() - 1)).stream();
                })
                .toList();
    }

    private static List<String> words(Instruction instruction, char escape) {
        return instruction.isJson() ? instruction.json() : ShellWords.split(instruction.text(), escape);
    }

    /** Each regular file under {@code path} (or the file itself), by its place in the context and its bytes. */
    private static void add(MessageDigest digest, Path context, Path path) throws IOException {
        if (!path.startsWith(context) || !Files.exists(path)) {
            digest.update(("\0missing " + path).getBytes(StandardCharsets.UTF_8));
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        byte[] buffer = new byte[1 << 16];
        for (Path file : files) {
            digest.update(("\0file " + context.relativize(file)).getBytes(StandardCharsets.UTF_8));
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                while (in.read(buffer) >= 0) {
                    // DigestInputStream adds what it reads.
                }
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
