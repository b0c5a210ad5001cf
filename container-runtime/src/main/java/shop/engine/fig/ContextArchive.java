package shop.engine.fig;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import shop.engine.dockerfile.DockerIgnore;
import shop.engine.snapshot.TreeTar;

/**
 * A build's context as the engine API takes it: an uncompressed tar of the folder, without what
 * its .dockerignore leaves out (the Dockerfile and the .dockerignore always go, as the docker CLI
 * sends them). docker-java's own context is gzipped first, and a service's context is mostly its
 * jar, compressed already: gzipping it again cost 3 s of every rebuild.
 */
final class ContextArchive {

    private ContextArchive() {
    }

    /** Writes the tar to a temporary file, which the caller deletes. */
    static Path write(ServiceSpec.Build build) throws IOException {
        Path context = build.context();
        Path ignoreFile = context.resolve(".dockerignore");
        DockerIgnore ignore = Files.isRegularFile(ignoreFile) ? new DockerIgnore(Files.readString(ignoreFile)) : DockerIgnore.none();
        String dockerfile = context.relativize(context.resolve(build.dockerfile()).normalize()).toString();
        Path tar = Files.createTempFile("fig-context-", ".tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar)); TreeTar entries = new TreeTar(out)) {
            entries.addTree(context, "", name -> !name.equals(".dockerignore") && !name.equals(dockerfile)
                    && !dockerfile.startsWith(name + "/") && ignore.excludes(name));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tar);
            throw e;
        }
        return tar;
    }
}
