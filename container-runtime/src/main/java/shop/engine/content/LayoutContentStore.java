package shop.engine.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import shop.engine.support.EngineException;

/** {@link ContentStore} on a directory in OCI image-layout form. */
public final class LayoutContentStore implements ContentStore {

    private final Path root;
    private final Path blobs;
    private final Path ingest;

    public LayoutContentStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs/sha256");
        this.ingest = root.resolve("ingest");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(ingest);
            Path layout = root.resolve("oci-layout");
            if (!Files.exists(layout)) {
                Files.writeString(layout, "{\"imageLayoutVersion\":\"1.0.0\"}", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw EngineException.failed("create content store at " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Descriptor write(String mediaType, InputStream in, String expectedDigest) {
        if (expectedDigest != null) {
            Digest.validate(expectedDigest);
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(ingest, "blob", ".part");
            MessageDigest sha = Digest.sha256();
            long size;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                size = in.transferTo(out);
            }
            return commit(mediaType, temp, Digest.format(sha.digest()), expectedDigest, size);
        } catch (IOException e) {
            throw EngineException.failed("write blob into " + blobs + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    @Override
    public Descriptor ingest(String mediaType, Path file, String expectedDigest) {
        Digest.validate(expectedDigest);
        try {
            MessageDigest sha = Digest.sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return commit(mediaType, file, Digest.format(sha.digest()), expectedDigest, Files.size(file));
        } catch (IOException e) {
            throw EngineException.failed("ingest " + file + " into " + blobs + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(file);
        }
    }

    /** Renames a hashed file into place when its digest is the expected one (or none was expected). */
    private Descriptor commit(String mediaType, Path file, String digest, String expectedDigest, long size) throws IOException {
        if (expectedDigest != null && !expectedDigest.equals(digest)) {
            throw EngineException.invalid("write blob: content has digest " + digest
                    + " but " + expectedDigest + " was expected");
        }
        Path target = path(digest);
        if (!Files.exists(target)) {
            moveAtomically(file, target);
        }
        return new Descriptor(mediaType, digest, size);
    }

    @Override
    public Descriptor write(String mediaType, byte[] bytes) {
        return write(mediaType, new java.io.ByteArrayInputStream(bytes), Digest.of(bytes));
    }

    @Override
    public byte[] read(String digest) {
        try (InputStream in = open(digest)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public InputStream open(String digest) {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw EngineException.notFound("blob " + digest + " not found in " + blobs);
        } catch (IOException e) {
            throw EngineException.failed("open blob " + digest + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path path(String digest) {
        return blobs.resolve(Digest.hex(digest));
    }

    @Override
    public boolean contains(String digest) {
        return Files.exists(path(digest));
    }

    @Override
    public void delete(String digest) {
        try {
            Files.deleteIfExists(path(digest));
        } catch (IOException e) {
            throw EngineException.failed("delete blob " + digest + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> digests() {
        try (Stream<Path> files = Files.list(blobs)) {
            Set<String> all = new TreeSet<>();
            files.forEach(f -> all.add("sha256:" + f.getFileName()));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Path root() {
        return root;
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // A leftover ingest file is harmless: it is never read, and the next write uses a new name.
        }
    }
}
