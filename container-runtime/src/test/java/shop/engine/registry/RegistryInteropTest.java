package shop.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.TestTars;
import shop.engine.build.Builder;
import shop.engine.content.Descriptor;
import shop.engine.image.BaseImages;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.MediaTypes;
import shop.engine.image.Reference;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.Json;

/**
 * The engine against real peers: Debian's docker-registry on 127.0.0.1 and skopeo. What one side
 * writes, the other reads, so neither end is our own code twice.
 */
@Tag("root")
class RegistryInteropTest extends OpenRegistryTest {

    @Test
    void anImagePushedByTheEngineHasTheSameDigestInSkopeo() throws Exception {
        String name = registry.address() + "/it/debian:1";
        engine.images().tag(BaseImages.DEBIAN, name);
        try {
            String digest = RegistryClient.open(engine.images(), engine.state())
                    .push(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE);

            assertThat(digest).isEqualTo(engine.images().resolve(name).manifestDescriptor().digest());
            JsonNode inspect = Json.MAPPER.readTree(Skopeo.run("inspect", "--tls-verify=false", "docker://" + name));
            assertThat(inspect.path("Digest").asText()).isEqualTo(digest);
            Path copy = WORK.resolve("skopeo-copy-" + UUID.randomUUID());
            // dir: keeps the manifest as served (oci: would recompress the layers and so rewrite it).
            Skopeo.run("copy", "--src-tls-verify=false", "docker://" + name, "dir:" + copy);
            assertThat(shop.engine.content.Digest.of(Files.readAllBytes(copy.resolve("manifest.json")))).isEqualTo(digest);
            FileTrees.delete(copy);
        } finally {
            engine.images().remove(name, false);
        }
    }

    @Test
    void anImageSkopeoCopiedFromAnOciLayoutIsPulledAndRuns() throws Exception {
        Path layout = WORK.resolve("layout-" + UUID.randomUUID());
        Files.createDirectories(layout);
        Path tar = layout.resolveSibling(layout.getFileName() + ".tar");
        try (OutputStream out = Files.newOutputStream(tar)) {
            engine.images().save(List.of(BaseImages.DEBIAN), out);
        }
        assertThat(new ProcessBuilder("tar", "-xf", tar.toString(), "-C", layout.toString()).start().waitFor()).isZero();
        String name = registry.address() + "/it/from-skopeo:1";
        Skopeo.run("copy", "--dest-tls-verify=false", "oci:" + layout + ":bookworm-slim", "docker://" + name);
        // A second registry, where no uncompressed copy of the layer exists for skopeo to reuse: it
        // writes a Docker v2 manifest with a gzip layer, the other format the engine reads.
        try (LocalRegistry second = LocalRegistry.start(WORK.resolve("v2-" + UUID.randomUUID()), null)) {
            String v2 = second.address() + "/it/docker-v2:1";
            Skopeo.run("copy", "--dest-tls-verify=false", "--format", "v2s2", "--dest-compress-format", "gzip",
                    "oci:" + layout + ":bookworm-slim", "docker://" + v2);
            FileTrees.delete(layout);
            Files.delete(tar);

            Engine fresh = FreshEngines.open();
            try {
                Registry client = RegistryClient.open(fresh.images(), fresh.state());
                assertThat(client.pull(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE).newer()).isTrue();
                String skopeoDigest = Json.MAPPER.readTree(Skopeo.run("inspect", "--tls-verify=false", "docker://" + name))
                        .path("Digest").asText();
                assertThat(fresh.images().resolve(name).manifestDescriptor().digest()).isEqualTo(skopeoDigest);
                assertThat(runEcho(fresh, name)).contains("pulled and running");
                assertThat(client.pull(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE).newer()).isFalse();

                Image docker = client.pull(Reference.parse(v2), Credentials.ANONYMOUS, ProgressListener.NONE).image();
                assertThat(docker.manifestDescriptor().mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST);
                assertThat(docker.manifest().layers()).allMatch(l -> l.mediaType().equals(MediaTypes.DOCKER_LAYER_GZIP));
                assertThat(runEcho(fresh, v2)).contains("pulled and running");
            } finally {
                fresh.containers().close();
            }
        }
    }

    private static String runEcho(Engine engine, String image) {
        TestEngines.Ran ran = TestEngines.run(engine, image, "echo", "pulled and running");
        assertThat(ran.exit()).as(ran.output()).isZero();
        return ran.output();
    }

    @Test
    void aPulledImageWhoseLayerIsNotTheConfigsDiffIdIsRefusedAndLeavesNothing() throws Exception {
        // Pushed as any registry user could: Debian's diff_id in the config, a trojan in the layer.
        String name = registry.address() + "/it/forged-debian:" + UUID.randomUUID();
        String debianDiffId = engine.images().resolve(BaseImages.DEBIAN).config().diffIds().get(0);
        Descriptor trojan = engine.images().content().write(MediaTypes.OCI_LAYER,
                new TestTars().file("etc/motd", "pwned\n").bytes());
        String now = Instant.now().toString();
        Image forged = engine.images().commit(ImageConfig.empty(now).withStep(now, "import", debianDiffId),
                List.of(trojan), Map.of());
        engine.images().tag(forged.id(), name);
        try {
            RegistryClient.open(engine.images(), engine.state()).push(Reference.parse(name), Credentials.ANONYMOUS,
                    ProgressListener.NONE);
            Engine other = FreshEngines.open();

            assertThatThrownBy(() -> RegistryClient.open(other.images(), other.state())
                    .pull(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("layer 1 unpacks to " + trojan.digest())
                    .hasMessageContaining("diff_ids say " + debianDiffId);
            assertThat(other.images().list()).isEmpty();
            assertThat(other.images().content().digests()).isEmpty();
        } finally {
            engine.images().remove(name, false);
        }
    }

    @Test
    void anIndexIsResolvedToTheManifestForLinuxAmd64() throws Exception {
        String name = registry.address() + "/it/multi:amd64";
        String other = registry.address() + "/it/multi:arm64";
        Image image = TestImages.layered(engine.images(), name, 1, 4096);
        Image arm = TestImages.layered(engine.images(), other, 1, 4096);
        Registry client = RegistryClient.open(engine.images(), engine.state());
        client.push(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE);
        client.push(Reference.parse(other), Credentials.ANONYMOUS, ProgressListener.NONE);
        engine.images().remove(name, false);
        engine.images().remove(other, false);
        // The arm64 entry comes first: a pull that took the first entry would get the other image.
        Descriptor manifest = image.manifestDescriptor();
        String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + arm.manifestDescriptor().digest()
                + "\",\"size\":" + arm.manifestDescriptor().size() + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                + "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + manifest.digest()
                + "\",\"size\":" + manifest.size() + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + registry.address() + "/v2/it/multi/manifests/multi"))
                .header("Content-Type", MediaTypes.OCI_INDEX).PUT(HttpRequest.BodyPublishers.ofString(index)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

        Engine fresh = FreshEngines.open();
        Image pulled = RegistryClient.open(fresh.images(), fresh.state())
                .pull(Reference.parse(registry.address() + "/it/multi:multi"), Credentials.ANONYMOUS, ProgressListener.NONE).image();
        assertThat(pulled.manifestDescriptor().digest()).isEqualTo(manifest.digest());
        assertThat(pulled.id()).isEqualTo(image.id());
    }

    @Test
    void aBuildOnAnotherEngineFetchesItsFromImageFromTheRegistry() throws Exception {
        String base = registry.address() + "/it/base:1";
        engine.images().tag(BaseImages.DEBIAN, base);
        try {
            RegistryClient.open(engine.images(), engine.state()).push(Reference.parse(base), Credentials.ANONYMOUS, ProgressListener.NONE);
        } finally {
            engine.images().remove(base, false);
        }
        Engine fresh = FreshEngines.open();
        Path context = Files.createDirectories(WORK.resolve("context-" + UUID.randomUUID()));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nRUN echo built on the pulled base > /built\n");
        StringBuilder progress = new StringBuilder();
        fresh.builder().build(new Builder.BuildRequest(context, "Dockerfile", List.of("it/built:1"), Map.of(), null, false, Map.of()),
                progress::append);

        assertThat(fresh.images().find(base)).isPresent();
        assertThat(TestEngines.run(fresh, "it/built:1", "cat", "/built").output()).isEqualTo("built on the pulled base\n");
        FileTrees.delete(context);
    }

    @Test
    void blobsAnotherRepositoryOfTheRegistryHoldsAreMountedNotUploaded() throws Exception {
        String first = registry.address() + "/it/mount-a:1";
        String second = registry.address() + "/it/mount-b:1";
        Image image = TestImages.layered(engine.images(), first, 2, 256 << 10);
        engine.images().tag(first, second);
        try {
            Registry client = RegistryClient.open(engine.images(), engine.state());
            client.push(Reference.parse(first), Credentials.ANONYMOUS, ProgressListener.NONE);
            RecordingProgress progress = new RecordingProgress();
            client.push(Reference.parse(second), Credentials.ANONYMOUS, progress);

            assertThat(progress.digests(ProgressListener.LayerPhase.MOUNTED)).hasSize(image.manifest().layers().size() + 1);
            assertThat(registry.requests("POST", "/it/mount-b/blobs/uploads/?mount=sha256:")).isEqualTo(image.manifest().layers().size() + 1);
            assertThat(registry.requests("PATCH|PUT", "/it/mount-b/blobs/uploads/")).isZero();
            assertThat(Skopeo.run("inspect", "--tls-verify=false", "docker://" + second)).contains(image.manifestDescriptor().digest());
        } finally {
            engine.images().remove(first, false);
            engine.images().remove(second, false);
        }
    }

    @Test
    void pushingTheSameImageTwiceUploadsNoBlobTheSecondTime() throws Exception {
        String name = registry.address() + "/it/twice:1";
        Image image = TestImages.layered(engine.images(), name, 3, 1 << 20);
        // Small chunks, so the first push goes up in PATCHes as large layers do.
        RegistryClient client = new RegistryClient(engine.images(), engine.state().resolve("registry"),
                RegistryHosts.fromEnvironment(), 512 << 10, 256 << 10);
        try {
            RecordingProgress progress = new RecordingProgress();
            client.push(Reference.parse(name), Credentials.ANONYMOUS, progress);
            Map<String, Long> pushed = progress.highest(ProgressListener.LayerPhase.PUSHING);
            // Progress counts the bytes of every layer as they go, chunked or not.
            image.manifest().layers().forEach(l -> assertThat(pushed).containsEntry(l.digest(), l.size()));
            assertThat(pushed).containsEntry(image.manifest().config().digest(), image.manifest().config().size());
            long uploadsAfterFirst = registry.requests("POST|PATCH|PUT", "/it/twice/blobs/uploads/");
            assertThat(registry.requests("PATCH", "/it/twice/blobs/uploads/")).isGreaterThanOrEqualTo(3 * 4);

            client.push(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE);

            assertThat(registry.requests("POST|PATCH|PUT", "/it/twice/blobs/uploads/")).isEqualTo(uploadsAfterFirst);
            assertThat(registry.requests("HEAD", "/it/twice/blobs/sha256:")).isEqualTo(2L * (image.manifest().layers().size() + 1));
        } finally {
            engine.images().remove(name, false);
        }
    }
}
