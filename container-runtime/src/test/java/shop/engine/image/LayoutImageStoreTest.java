package shop.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.TestTars;
import shop.engine.content.Descriptor;
import shop.engine.content.Digest;
import shop.engine.content.LayoutContentStore;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

class LayoutImageStoreTest {

    @TempDir
    Path root;

    private ImageStore store() {
        return new LayoutImageStore(new LayoutContentStore(root));
    }

    private static byte[] rootfs() {
        return new TestTars().dir("bin").file("bin/hello", "#!/bin/sh\necho hi\n", 0755).bytes();
    }

    @Test
    void importMakesOneLayerImageWhoseDiffIdIsTheTarDigest() {
        ImageStore store = store();
        byte[] tar = rootfs();
        ContainerConfig config = ContainerConfig.EMPTY.withCmd(List.of("bash"));

        Image image = store.importRootfs(new ByteArrayInputStream(tar), "debian:bookworm-slim", config);

        assertThat(image.config().diffIds()).containsExactly(Digest.of(tar));
        assertThat(image.manifest().layers()).singleElement().satisfies(l -> assertThat(l.digest()).isEqualTo(Digest.of(tar)));
        assertThat(image.config().containerConfig().cmd()).containsExactly("bash");
        assertThat(image.config().history()).hasSize(1);
        assertThat(image.names()).extracting(Reference::familiar).containsExactly("debian:bookworm-slim");
        assertThat(store.resolve("docker.io/library/debian:bookworm-slim").id()).isEqualTo(image.id());
        assertThat(store.resolve(image.shortId()).id()).isEqualTo(image.id());
        assertThat(image.id()).isEqualTo(Digest.of(store.content().read(image.manifest().config().digest())));
    }

    @Test
    void importAcceptsGzip() throws Exception {
        // One tarball: its entries carry the time they were made, so a second one may differ.
        byte[] tar = rootfs();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(tar);
        }
        Image image = store().importRootfs(new ByteArrayInputStream(gz.toByteArray()), "x", ContainerConfig.EMPTY);
        assertThat(image.config().diffIds()).containsExactly(Digest.of(tar));
    }

    @Test
    void tagThenRmiUntagsFirstAndDeletesBlobsWithTheLastName() {
        ImageStore store = store();
        Image image = store.importRootfs(new ByteArrayInputStream(rootfs()), "a:1", ContainerConfig.EMPTY);
        store.tag("a:1", "localhost:5000/b:2");
        assertThat(store.resolve("a:1").names()).hasSize(2);
        assertThat(store.list()).hasSize(1);

        assertThatThrownBy(() -> store.remove(image.id(), false))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.CONFLICT));
        assertThat(store.remove("a:1", false)).containsExactly("Untagged: a:1");
        assertThat(store.content().digests()).hasSize(3);
        assertThat(store.remove("localhost:5000/b:2", false))
                .containsExactly("Untagged: localhost:5000/b:2", "Deleted: " + image.id());
        assertThat(store.content().digests()).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThatThrownBy(() -> store.resolve("a:1")).hasMessage("No such image: a:1");
    }

    @Test
    void saveWritesOciLayoutAndDockerArchiveThatLoadBackWithTheSameId() throws Exception {
        ImageStore first = store();
        Image image = first.importRootfs(new ByteArrayInputStream(rootfs()), "app:1", ContainerConfig.EMPTY);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        first.save(List.of("app:1"), saved);

        List<String> names = new java.util.ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(saved.toByteArray()))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                names.add(e.getName());
                if (e.getName().equals("manifest.json")) {
                    ImageArchive.DockerArchiveEntry[] entries = Json.read(tar.readAllBytes(), ImageArchive.DockerArchiveEntry[].class, "m");
                    assertThat(entries[0].repoTags()).containsExactly("app:1");
                }
            }
        }
        assertThat(names).contains("oci-layout", "index.json", "manifest.json",
                "blobs/sha256/" + image.id().substring(7), "blobs/sha256/" + image.manifestDescriptor().digest().substring(7));

        ImageStore other = new LayoutImageStore(new LayoutContentStore(Files.createDirectory(root.resolve("other"))));
        assertThat(other.load(new ByteArrayInputStream(saved.toByteArray()))).containsExactly("app:1");
        Image loaded = other.resolve("app:1");
        assertThat(loaded.id()).isEqualTo(image.id());
        assertThat(loaded.names()).extracting(Reference::familiar).containsExactly("app:1");
    }

    @Test
    void loadsAnOciLayoutWithoutDockerManifest() throws Exception {
        ImageStore first = store();
        Image image = first.importRootfs(new ByteArrayInputStream(rootfs()), "app:oci", ContainerConfig.EMPTY);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        first.save(List.of("app:oci"), saved);
        TestTars layoutOnly = new TestTars();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(saved.toByteArray()))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.getName().equals("manifest.json")) {
                    layoutOnly.file(e.getName(), tar.readAllBytes(), 0644);
                }
            }
        }
        ImageStore other = new LayoutImageStore(new LayoutContentStore(Files.createDirectory(root.resolve("other"))));
        assertThat(other.load(new ByteArrayInputStream(layoutOnly.bytes()))).containsExactly("app:oci");
        assertThat(other.resolve("app:oci").manifestDescriptor().digest()).isEqualTo(image.manifestDescriptor().digest());
    }

    @Test
    void loadRefusesArchivesWithoutManifests() {
        assertThatThrownBy(() -> store().load(new ByteArrayInputStream(new TestTars().file("x", "y").bytes())))
                .isInstanceOf(EngineException.class).hasMessageContaining("neither manifest.json nor index.json");
    }

    @Test
    void loadRefusesADockerArchiveWhoseLayerIsNotTheConfigsDiffIdAndKeepsNothing() {
        Forgery forged = new Forgery();
        TestTars archive = forged.blobs().file("manifest.json", "[{\"Config\":\"" + forged.blob(forged.config)
                + "\",\"RepoTags\":[\"debian:bookworm-slim\"],\"Layers\":[\"" + forged.blob(forged.trojan) + "\"]}]");
        ImageStore store = store();

        assertThatThrownBy(() -> store.load(new ByteArrayInputStream(archive.bytes())))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.INVALID))
                .hasMessageContaining("layer 1 unpacks to " + Digest.of(forged.trojan))
                .hasMessageContaining("diff_ids say " + Digest.of(forged.debian));
        assertThat(store.find("debian:bookworm-slim")).isEmpty();
        assertThat(store.content().digests()).isEmpty();
    }

    @Test
    void loadRefusesAnOciLayoutWhoseLayerIsNotTheConfigsDiffIdAndKeepsNothing() {
        Forgery forged = new Forgery();
        Descriptor entry = forged.manifestDescriptor().withAnnotations(Map.of(LayoutImageStore.NAME,
                "docker.io/library/debian:bookworm-slim", LayoutImageStore.OCI_REF_NAME, "bookworm-slim"));
        TestTars layout = forged.blobs().file(forged.blob(forged.manifest), forged.manifest, 0644)
                .file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}")
                .file("index.json", Json.bytes(Index.of(List.of(entry))), 0644);
        ImageStore store = store();

        assertThatThrownBy(() -> store.load(new ByteArrayInputStream(layout.bytes())))
                .isInstanceOf(EngineException.class).hasMessageContaining("diff_ids say " + Digest.of(forged.debian));
        assertThat(store.find("debian:bookworm-slim")).isEmpty();
        assertThat(store.content().digests()).isEmpty();
    }

    /** A layer with a trojan in it, under a config that claims it is the Debian base's layer. */
    private static final class Forgery {
        final byte[] debian = rootfs();
        final byte[] trojan = new TestTars().dir("bin").file("bin/hello", "#!/bin/sh\necho pwned >&2\n", 0755).bytes();
        final byte[] config = Json.bytes(ImageConfig.empty("2026-12-06T00:00:00Z")
                .withStep("2026-12-06T00:00:00Z", "import", Digest.of(debian)));
        final byte[] manifest = Json.bytes(Manifest.of(descriptor(MediaTypes.OCI_CONFIG, config),
                List.of(descriptor(MediaTypes.OCI_LAYER, trojan))));

        String blob(byte[] bytes) {
            return "blobs/sha256/" + Digest.hex(Digest.of(bytes));
        }

        TestTars blobs() {
            return new TestTars().file(blob(config), config, 0644).file(blob(trojan), trojan, 0644);
        }

        Descriptor manifestDescriptor() {
            return descriptor(MediaTypes.OCI_MANIFEST, manifest);
        }

        private static Descriptor descriptor(String mediaType, byte[] bytes) {
            return new Descriptor(mediaType, Digest.of(bytes), bytes.length, null);
        }
    }
}
