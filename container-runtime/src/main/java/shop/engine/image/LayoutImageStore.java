package shop.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import shop.engine.content.Compression;
import shop.engine.content.ContentStore;
import shop.engine.content.Descriptor;
import shop.engine.content.Digest;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/** {@link ImageStore} keeping names as annotated entries of the layout's index.json. */
public final class LayoutImageStore implements ImageStore {

    /** containerd's annotation for the full name; the OCI one holds only the tag. */
    static final String NAME = "io.containerd.image.name";
    static final String OCI_REF_NAME = "org.opencontainers.image.ref.name";
    /** Marks an unnamed entry that something (the build cache) keeps alive; hidden from list(). */
    static final String KEEPER_PREFIX = "shop.engine.keeper.";

    private final ContentStore content;
    private final Path indexFile;
    private final Path lockFile;

    public LayoutImageStore(ContentStore content) {
        this.content = content;
        this.indexFile = content.root().resolve("index.json");
        this.lockFile = content.root().resolve("index.lock");
    }

    @Override
    public ContentStore content() {
        return content;
    }

    @Override
    public Image resolve(String refOrId) {
        return find(refOrId).orElseThrow(() -> EngineException.notFound("No such image: " + refOrId));
    }

    @Override
    public Optional<Image> find(String refOrId) {
        List<Descriptor> entries = readIndex().manifests();
        String manifestDigest = null;
        if (refOrId.matches("(sha256:)?[a-f0-9]{12,64}")) {
            String hex = refOrId.startsWith("sha256:") ? refOrId.substring(7) : refOrId;
            for (Descriptor entry : entries) {
                Image image = load(entry);
                if (image.id().substring(7).startsWith(hex) || entry.digest().substring(7).startsWith(hex)) {
                    return Optional.of(withNames(image, entries));
                }
            }
        }
        Reference ref = Reference.parse(refOrId);
        if (ref.digest() != null) {
            manifestDigest = ref.digest();
        }
        for (Descriptor entry : entries) {
            String name = name(entry);
            if (manifestDigest != null ? entry.digest().equals(manifestDigest) : ref.toString().equals(name)) {
                return Optional.of(withNames(load(entry), entries));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Image> list() {
        List<Descriptor> entries = readIndex().manifests();
        Map<String, Image> byManifest = new LinkedHashMap<>();
        for (Descriptor entry : entries) {
            boolean kept = entry.annotations() != null
                    && entry.annotations().keySet().stream().anyMatch(k -> k.startsWith(KEEPER_PREFIX));
            if (name(entry) != null || !kept) {
                byManifest.computeIfAbsent(entry.digest(), d -> withNames(load(entry), entries));
            }
        }
        return List.copyOf(byManifest.values());
    }

    @Override
    public Image commit(ImageConfig config, List<Descriptor> layers, Map<String, String> keepers) {
        return commit(content.write(MediaTypes.OCI_CONFIG, Json.bytes(config)), config, layers, keepers);
    }

    /** Commits with a config blob already written, so a loaded image keeps its ID byte for byte. */
    Image commit(Descriptor configDescriptor, ImageConfig config, List<Descriptor> layers, Map<String, String> keepers) {
        Manifest manifest = Manifest.of(configDescriptor, layers);
        Descriptor manifestDescriptor = content.write(MediaTypes.OCI_MANIFEST, Json.bytes(manifest));
        Map<String, String> annotations = new HashMap<>();
        keepers.forEach((k, v) -> annotations.put(KEEPER_PREFIX + k, v));
        Descriptor entry = manifestDescriptor.withAnnotations(annotations.isEmpty() ? null : annotations);
        updateIndex(list -> {
            if (list.stream().noneMatch(e -> e.equals(entry))) {
                list.add(entry);
            }
            return null;
        });
        return new Image(configDescriptor.digest(), manifestDescriptor, manifest, config, List.of());
    }

    @Override
    public Optional<Image> kept(String keeper, String value) {
        for (Descriptor entry : readIndex().manifests()) {
            if (entry.annotations() != null && value.equals(entry.annotations().get(KEEPER_PREFIX + keeper))
                    && content.contains(entry.digest())) {
                return Optional.of(load(entry));
            }
        }
        return Optional.empty();
    }

    /** Adds an index entry as it is (a loaded layout's entry keeps its manifest and name). */
    void addEntry(Descriptor entry) {
        updateIndex(list -> {
            String name = name(entry);
            list.removeIf(e -> e.equals(entry) || (name != null && name.equals(name(e))));
            list.add(entry);
            return null;
        });
    }

    @Override
    public Image tag(String source, String target) {
        Image image = resolve(source);
        Reference ref = Reference.parse(target);
        if (ref.digest() != null) {
            throw EngineException.invalid("tag " + target + ": a tag cannot carry a digest");
        }
        return add(image.manifestDescriptor(), ref);
    }

    @Override
    public Image add(Descriptor manifest, Reference name) {
        Descriptor bare = new Descriptor(manifest.mediaType(), manifest.digest(), manifest.size());
        Descriptor entry = name == null ? bare
                : bare.withAnnotations(Map.of(NAME, name.toString(), OCI_REF_NAME, name.tag()));
        updateIndex(list -> {
            list.removeIf(e -> e.equals(entry) || (name != null && name.toString().equals(name(e))));
            list.add(entry);
            return null;
        });
        return resolve(name == null ? manifest.digest() : name.toString());
    }

    @Override
    public List<String> remove(String refOrId, boolean force) {
        Image image = resolve(refOrId);
        List<String> report = new ArrayList<>();
        boolean byName = image.names().stream().anyMatch(n -> n.toString().equals(tryParse(refOrId)));
        updateIndex(list -> {
            String digest = image.manifestDescriptor().digest();
            if (byName) {
                String name = tryParse(refOrId);
                list.removeIf(e -> name.equals(name(e)));
                report.add("Untagged: " + Reference.parse(name).familiar());
                if (list.stream().anyMatch(e -> e.digest().equals(digest) && name(e) != null)) {
                    return null;
                }
            } else if (image.names().size() > 1 && !force) {
                throw EngineException.conflict("unable to delete " + image.shortId()
                        + " (must be forced) - image is referenced in multiple repositories");
            }
            for (Descriptor e : list) {
                if (e.digest().equals(digest) && name(e) != null && !byName) {
                    report.add("Untagged: " + Reference.parse(name(e)).familiar());
                }
            }
            list.removeIf(e -> e.digest().equals(digest));
            report.add("Deleted: " + image.id());
            return null;
        });
        collectGarbage();
        return report;
    }

    @Override
    public List<String> untag(String refOrId) {
        Image image = resolve(refOrId);
        String digest = image.manifestDescriptor().digest();
        Descriptor bare = new Descriptor(image.manifestDescriptor().mediaType(), digest, image.manifestDescriptor().size());
        return updateIndex(list -> {
            List<String> report = new ArrayList<>();
            list.stream().filter(e -> e.digest().equals(digest) && name(e) != null)
                    .forEach(e -> report.add("Untagged: " + Reference.parse(name(e)).familiar()));
            list.removeIf(e -> e.digest().equals(digest) && name(e) != null);
            if (!list.contains(bare)) {
                list.add(bare);
            }
            return report;
        });
    }

    @Override
    public Image importRootfs(InputStream tar, String ref, ContainerConfig config) {
        Reference.parse(ref);
        String now = Instant.now().toString();
        Descriptor layer;
        try (InputStream plain = Compression.plain(tar)) {
            layer = content.write(MediaTypes.OCI_LAYER, plain, null);
        } catch (IOException e) {
            throw EngineException.failed("import " + ref + ": " + e.getMessage(), e);
        }
        ImageConfig imageConfig = ImageConfig.empty(now).withConfig(config)
                .withStep(now, "import", layer.digest());
        Image image = commit(imageConfig, List.of(layer), Map.of());
        return tag(image.id(), ref);
    }

    @Override
    public void save(List<String> refs, OutputStream out) {
        new ImageArchive(this).save(refs, out);
    }

    @Override
    public List<String> load(InputStream tar) {
        return new ImageArchive(this).load(tar);
    }

    /** Reads the blobs one index entry points at; nested indexes resolve to linux/amd64. */
    Image load(Descriptor entry) {
        Descriptor manifestDescriptor = entry;
        byte[] bytes = content.read(entry.digest());
        if (MediaTypes.isIndex(entry.mediaType())) {
            Index nested = Json.read(bytes, Index.class, "index " + entry.digest());
            manifestDescriptor = nested.manifests().stream().findFirst().orElseThrow(
                    () -> EngineException.invalid("index " + entry.digest() + " lists no manifest"));
            bytes = content.read(manifestDescriptor.digest());
        }
        Manifest manifest = Json.read(bytes, Manifest.class, "manifest " + manifestDescriptor.digest());
        ImageConfig config = Json.read(content.read(manifest.config().digest()), ImageConfig.class,
                "config " + manifest.config().digest());
        return new Image(manifest.config().digest(), manifestDescriptor.withAnnotations(null), manifest, config, List.of());
    }

    private Image withNames(Image image, List<Descriptor> entries) {
        List<Reference> names = entries.stream()
                .filter(e -> e.digest().equals(image.manifestDescriptor().digest()) && name(e) != null)
                .map(e -> Reference.parse(name(e))).toList();
        return new Image(image.id(), image.manifestDescriptor(), image.manifest(), image.config(), names);
    }

    static String name(Descriptor entry) {
        return entry.annotations() == null ? null : entry.annotations().get(NAME);
    }

    private static String tryParse(String text) {
        try {
            return Reference.parse(text).toString();
        } catch (EngineException e) {
            return text;
        }
    }

    private Index readIndex() {
        if (!Files.exists(indexFile)) {
            return Index.of(List.of());
        }
        try {
            return Json.read(Files.readAllBytes(indexFile), Index.class, indexFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Read-modify-write of index.json under a file lock: the CLI and the daemon may both write. */
    <T> T updateIndex(Function<List<Descriptor>, T> change) {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            List<Descriptor> entries = new ArrayList<>(readIndex().manifests());
            T result = change.apply(entries);
            Path temp = indexFile.resolveSibling("index.json.tmp");
            Files.write(temp, Json.bytes(Index.of(entries)));
            Files.move(temp, indexFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return result;
        } catch (IOException e) {
            throw EngineException.failed("update " + indexFile + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long pruneKept() {
        updateIndex(list -> {
            list.removeIf(e -> name(e) == null && e.annotations() != null
                    && e.annotations().keySet().stream().anyMatch(k -> k.startsWith(KEEPER_PREFIX)));
            return null;
        });
        return collectGarbage();
    }

    /** Deletes blobs that no index entry reaches; returns the bytes freed. */
    private long collectGarbage() {
        return updateIndex(entries -> {
            Set<String> live = new HashSet<>();
            for (Descriptor entry : entries) {
                live.add(entry.digest());
                Image image = load(entry);
                live.add(image.manifestDescriptor().digest());
                live.add(image.manifest().config().digest());
                image.manifest().layers().forEach(l -> live.add(l.digest()));
            }
            long freed = 0;
            for (String digest : content.digests()) {
                if (!live.contains(digest)) {
                    freed += sizeOf(content.path(Digest.validate(digest)));
                    content.delete(digest);
                }
            }
            return freed;
        });
    }

    private static long sizeOf(Path blob) {
        try {
            return Files.size(blob);
        } catch (IOException e) {
            return 0;
        }
    }
}
