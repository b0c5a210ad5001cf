package shop.engine.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import shop.engine.content.Compression;
import shop.engine.content.Descriptor;
import shop.engine.content.Digest;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.Json;

/** Image tarballs: writes OCI layout + docker-archive in one file; reads either. */
final class ImageArchive {

    /** One image of a docker-archive's manifest.json. */
    record DockerArchiveEntry(@JsonProperty("Config") String config,
                              @JsonProperty("RepoTags") List<String> repoTags,
                              @JsonProperty("Layers") List<String> layers) {
    }

    private final LayoutImageStore store;

    ImageArchive(LayoutImageStore store) {
        this.store = store;
    }

    void save(List<String> refs, OutputStream out) {
        Set<String> blobs = new LinkedHashSet<>();
        List<Descriptor> indexEntries = new ArrayList<>();
        Map<String, DockerArchiveEntry> dockerEntries = new LinkedHashMap<>();
        for (String refText : refs) {
            Image image = store.resolve(refText);
            blobs.add(image.manifestDescriptor().digest());
            blobs.add(image.manifest().config().digest());
            image.manifest().layers().forEach(l -> blobs.add(l.digest()));
            List<String> tags = new ArrayList<>();
            if (!refText.matches("(sha256:)?[a-f0-9]{12,64}")) {
                Reference ref = Reference.parse(refText);
                tags.add(ref.familiar());
                indexEntries.add(image.manifestDescriptor().withAnnotations(
                        Map.of(LayoutImageStore.NAME, ref.toString(), LayoutImageStore.OCI_REF_NAME, ref.tag())));
            } else {
                indexEntries.add(image.manifestDescriptor());
            }
            DockerArchiveEntry previous = dockerEntries.get(image.id());
            if (previous != null) {
                tags.addAll(0, previous.repoTags());
            }
            dockerEntries.put(image.id(), new DockerArchiveEntry(blobPath(image.manifest().config().digest()), tags,
                    image.manifest().layers().stream().map(l -> blobPath(l.digest())).toList()));
        }
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            putBytes(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            putBytes(tar, "index.json", Json.bytes(Index.of(indexEntries)));
            putBytes(tar, "manifest.json", Json.bytes(List.copyOf(dockerEntries.values())));
            for (String digest : blobs) {
                Path file = store.content().path(digest);
                TarArchiveEntry entry = new TarArchiveEntry(blobPath(digest));
                entry.setSize(Files.size(file));
                tar.putArchiveEntry(entry);
                Files.copy(file, tar);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw EngineException.failed("save " + refs + ": " + e.getMessage(), e);
        }
    }

    List<String> load(InputStream in) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory(store.content().root(), "load");
            unpackRegularFiles(in, dir);
            Path dockerManifest = dir.resolve("manifest.json");
            if (Files.exists(dockerManifest)) {
                return loadDockerArchive(dir, Json.read(Files.readAllBytes(dockerManifest),
                        DockerArchiveEntry[].class, "manifest.json"));
            }
            Path index = dir.resolve("index.json");
            if (Files.exists(index)) {
                return loadLayout(dir, Json.read(Files.readAllBytes(index), Index.class, "index.json"));
            }
            throw EngineException.invalid("load: the archive has neither manifest.json nor index.json");
        } catch (IOException e) {
            throw EngineException.invalid("load: " + e.getMessage());
        } finally {
            FileTrees.deleteOrFail(dir, "load's scratch copy");
        }
    }

    private List<String> loadDockerArchive(Path dir, DockerArchiveEntry[] entries) throws IOException {
        List<String> loaded = new ArrayList<>();
        for (DockerArchiveEntry entry : entries) {
            if (entry.config() == null || entry.layers() == null) {
                throw EngineException.invalid("load: manifest.json has an entry without Config or Layers");
            }
            ImageConfig checked = Json.read(Files.readAllBytes(inside(dir, entry.config())), ImageConfig.class, entry.config());
            DiffIds.verify("load " + entry.config(), checked,
                    entry.layers().stream().map(l -> new DiffIds.Blob(inside(dir, l), null)).toList());
        }
        for (DockerArchiveEntry entry : entries) {
            Descriptor config = writeFile(dir, entry.config(), MediaTypes.OCI_CONFIG);
            ImageConfig imageConfig = Json.read(store.content().read(config.digest()), ImageConfig.class, entry.config());
            List<Descriptor> layers = new ArrayList<>();
            for (String layer : entry.layers()) {
                layers.add(writeLayer(dir, layer));
            }
            Image image = store.commit(config, imageConfig, layers, Map.of());
            if (entry.repoTags() == null || entry.repoTags().isEmpty()) {
                loaded.add(image.id());
            }
            for (String tag : entry.repoTags() == null ? List.<String>of() : entry.repoTags()) {
                store.tag(image.id(), tag);
                loaded.add(Reference.parse(tag).familiar());
            }
        }
        return loaded;
    }

    private List<String> loadLayout(Path dir, Index index) throws IOException {
        for (Descriptor entry : index.manifests()) {
            verifyLayoutEntry(dir, entry);
        }
        try (Stream<Path> files = Files.list(dir.resolve("blobs/sha256"))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                try (InputStream blob = Files.newInputStream(file)) {
                    store.content().write(null, blob, "sha256:" + file.getFileName());
                }
            }
        }
        List<String> loaded = new ArrayList<>();
        for (Descriptor entry : index.manifests()) {
            String name = LayoutImageStore.name(entry);
            store.addEntry(entry.withAnnotations(name == null ? null
                    : Map.of(LayoutImageStore.NAME, name, LayoutImageStore.OCI_REF_NAME, Reference.parse(name).tag())));
            loaded.add(name != null ? Reference.parse(name).familiar() : store.load(entry).id());
        }
        return loaded;
    }

    /** Checks one entry of a layout in the scratch copy, before any of its blobs is stored (nested indexes: their first manifest, as the store reads them). */
    private static void verifyLayoutEntry(Path dir, Descriptor entry) throws IOException {
        Descriptor manifestDescriptor = entry;
        if (MediaTypes.isIndex(entry.mediaType())) {
            manifestDescriptor = Json.read(Files.readAllBytes(blob(dir, entry.digest())), Index.class, "index " + entry.digest())
                    .manifests().stream().findFirst()
                    .orElseThrow(() -> EngineException.invalid("load: index " + entry.digest() + " lists no manifest"));
        }
        Manifest manifest = Json.read(Files.readAllBytes(blob(dir, manifestDescriptor.digest())), Manifest.class,
                "manifest " + manifestDescriptor.digest());
        if (manifest.config() == null || manifest.layers() == null) {
            throw EngineException.invalid("load: manifest " + manifestDescriptor.digest() + " has no config or no layers");
        }
        ImageConfig config = Json.read(Files.readAllBytes(blob(dir, manifest.config().digest())), ImageConfig.class,
                "config " + manifest.config().digest());
        DiffIds.verify("load " + manifestDescriptor.digest(), config,
                manifest.layers().stream().map(l -> new DiffIds.Blob(blob(dir, l.digest()), null)).toList());
    }

    private static Path blob(Path dir, String digest) {
        return inside(dir, blobPath(Digest.validate(digest)));
    }

    private Descriptor writeFile(Path dir, String name, String mediaType) throws IOException {
        try (InputStream in = Files.newInputStream(inside(dir, name))) {
            return store.content().write(mediaType, in, null);
        }
    }

    /** Layers keep their compression; the media type says which it is. */
    private Descriptor writeLayer(Path dir, String name) throws IOException {
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(inside(dir, name)))) {
            boolean gzip = Compression.isGzip(in);
            return store.content().write(gzip ? MediaTypes.OCI_LAYER_GZIP : MediaTypes.OCI_LAYER, in, null);
        }
    }

    private static Path inside(Path dir, String name) {
        Path path = dir.resolve(name).normalize();
        if (!path.startsWith(dir) || !Files.isRegularFile(path)) {
            throw EngineException.invalid("load: archive names missing or unsafe file " + name);
        }
        return path;
    }

    private static void unpackRegularFiles(InputStream in, Path dir) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            if (!entry.isFile()) {
                continue;
            }
            Path target = dir.resolve(entry.getName()).normalize();
            if (!target.startsWith(dir) || target.equals(dir)) {
                throw EngineException.invalid("load: archive entry " + entry.getName() + " escapes the archive");
            }
            Files.createDirectories(target.getParent());
            Files.copy(tar, target);
        }
    }

    private static String blobPath(String digest) {
        return "blobs/sha256/" + Digest.hex(digest);
    }

    private static void putBytes(TarArchiveOutputStream tar, String name, byte[] bytes) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }
}
