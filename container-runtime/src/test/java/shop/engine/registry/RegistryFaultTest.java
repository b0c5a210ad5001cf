package shop.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.content.Descriptor;
import shop.engine.image.Image;
import shop.engine.image.MediaTypes;
import shop.engine.image.Reference;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/** Pulls that meet bad bytes and broken connections, from a real docker-registry (through a cutting proxy for the latter). */
@Tag("root")
class RegistryFaultTest extends OpenRegistryTest {

    private static Image pushed(String repository, int layers, int bytesPerLayer) {
        String name = registry.address() + "/" + repository + ":1";
        Image image = TestImages.layered(engine.images(), name, layers, bytesPerLayer);
        RegistryClient.open(engine.images(), engine.state()).push(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE);
        engine.images().remove(name, false);
        return image;
    }

    @Test
    void aBlobWhoseBytesDoNotMatchItsDigestIsRefusedAndNothingIsStored() throws Exception {
        Image image = pushed("it/corrupt", 2, 256 << 10);
        Descriptor bad = image.manifest().layers().get(0);
        try (FileChannel data = FileChannel.open(registry.blobData(bad.digest()), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            data.read(one, 1000);
            data.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0xff)}), 1000);
        }
        Engine fresh = FreshEngines.open();
        String name = registry.address() + "/it/corrupt:1";

        assertThatThrownBy(() -> RegistryClient.open(fresh.images(), fresh.state())
                .pull(Reference.parse(name), Credentials.ANONYMOUS, ProgressListener.NONE))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("blob " + bad.digest() + " was refused, nothing was stored")
                .hasMessageContaining("but " + bad.digest() + " was expected");

        assertThat(fresh.images().content().contains(bad.digest())).isFalse();
        assertThat(fresh.images().find(name)).isEmpty();
        try (var partials = Files.list(Files.createDirectories(fresh.state().resolve("registry/partial")))) {
            assertThat(partials.toList()).isEmpty();
        }
        try (var ingest = Files.list(fresh.state().resolve("images/ingest"))) {
            assertThat(ingest.toList()).isEmpty();
        }
    }

    @Test
    void aZstdLayerIsRefusedBeforeAnyBlobIsFetched() throws Exception {
        Image image = pushed("it/zstd", 1, 4096);
        // pushed() untagged the image locally, so its blobs are gone here: the manifest is written anew.
        String manifest = new String(Json.bytes(image.manifest()), StandardCharsets.UTF_8)
                .replace(MediaTypes.OCI_LAYER + "\"", MediaTypes.OCI_LAYER + "+zstd\"");
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://" + registry.address() + "/v2/it/zstd/manifests/zstd"))
                .header("Content-Type", MediaTypes.OCI_MANIFEST).PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        Engine fresh = FreshEngines.open();

        assertThatThrownBy(() -> RegistryClient.open(fresh.images(), fresh.state())
                .pull(Reference.parse(registry.address() + "/it/zstd:zstd"), Credentials.ANONYMOUS, ProgressListener.NONE))
                .isInstanceOf(EngineException.class).hasMessageContaining("is zstd-compressed");
        assertThat(fresh.images().content().digests()).isEmpty();
    }

    @Test
    void aPullCutInTheMiddleResumesWithoutDownloadingFinishedLayersAgain() throws Exception {
        int layerSize = 2 << 20;
        Image image = pushed("it/cut", 3, layerSize);
        List<Descriptor> layers = image.manifest().layers();
        Descriptor cutLayer = layers.get(1);
        long cutAfter = 256 << 10;
        long blobBytes = layers.stream().mapToLong(Descriptor::size).sum() + image.manifest().config().size();
        Engine fresh = FreshEngines.open();
        try (CuttingProxy proxy = new CuttingProxy(registry.port, cutLayer.digest(), cutAfter)) {
            Reference ref = Reference.parse(proxy.address() + "/it/cut:1");
            Registry client = RegistryClient.open(fresh.images(), fresh.state());
            // Every attempt of the first pull is cut: it fails, keeping the finished layers and the partial one.
            proxy.cuts.set(BlobDownload.ATTEMPTS);
            assertThatThrownBy(() -> client.pull(ref, Credentials.ANONYMOUS, ProgressListener.NONE))
                    .isInstanceOf(EngineException.class).hasMessageContaining("download blob " + cutLayer.digest());
            assertThat(fresh.images().content().contains(layers.get(0).digest())).isTrue();
            assertThat(fresh.images().content().contains(cutLayer.digest())).isFalse();

            Registry.PullResult pulled = client.pull(ref, Credentials.ANONYMOUS, ProgressListener.NONE);

            assertThat(pulled.image().manifestDescriptor().digest()).isEqualTo(image.manifestDescriptor().digest());
            assertThat(proxy.requestsFor(layers.get(0).digest())).hasSize(1);
            assertThat(proxy.requestsFor(layers.get(2).digest())).hasSize(1);
            List<String> resumed = proxy.requestsFor(cutLayer.digest());
            assertThat(resumed).hasSize(BlobDownload.ATTEMPTS + 1);
            assertThat(resumed.get(0)).endsWith(" | ");
            assertThat(resumed.subList(1, resumed.size())).allMatch(r -> r.matches(".* \\| bytes=[1-9][0-9]*-"));
            // Every byte of every blob crossed once, plus what was in flight at each cut and the HTTP heads.
            assertThat(proxy.bytesToClient.get()).isLessThan(blobBytes + BlobDownload.ATTEMPTS * (cutAfter / 4) + 64 * 1024);
        }
    }
}
