package shop.engine.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.support.EngineException;

class LayoutContentStoreTest {

    @TempDir
    Path root;

    @Test
    void writesBlobUnderItsSha256InOciLayout() throws Exception {
        ContentStore store = new LayoutContentStore(root);
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);

        Descriptor d = store.write("text/plain", hello);

        assertThat(d.digest()).isEqualTo("sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assertThat(d.size()).isEqualTo(5);
        assertThat(Files.readAllBytes(root.resolve("blobs/sha256/" + d.digest().substring(7)))).isEqualTo(hello);
        assertThat(Files.readString(root.resolve("oci-layout"))).contains("1.0.0");
        assertThat(store.read(d.digest())).isEqualTo(hello);
    }

    @Test
    void ingestMovesAMatchingFileInAndDeletesAMismatchingOne() throws Exception {
        ContentStore store = new LayoutContentStore(root);
        Path download = Files.writeString(root.resolve("download"), "hello");
        String hello = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

        assertThat(store.ingest("text/plain", download, hello).size()).isEqualTo(5);
        assertThat(download).doesNotExist();
        assertThat(store.read(hello)).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));

        Path bad = Files.writeString(root.resolve("bad"), "hellO");
        String other = "sha256:" + "1".repeat(64);
        assertThatThrownBy(() -> store.ingest("text/plain", bad, other))
                .isInstanceOf(EngineException.class).hasMessageContaining("but " + other + " was expected");
        assertThat(bad).doesNotExist();
        assertThat(store.contains(other)).isFalse();
    }

    @Test
    void refusesContentThatDoesNotMatchTheExpectedDigestAndLeavesNothing() throws Exception {
        ContentStore store = new LayoutContentStore(root);
        String wrong = Digest.of("other".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> store.write("text/plain", new ByteArrayInputStream("hello".getBytes()), wrong))
                .isInstanceOf(EngineException.class).hasMessageContaining("was expected");

        assertThat(store.digests()).isEmpty();
        try (var files = Files.list(root.resolve("ingest"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void refusesDigestsThatCouldNameOtherFiles() {
        ContentStore store = new LayoutContentStore(root);
        assertThatThrownBy(() -> store.open("sha256:../../etc/passwd")).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> store.open("md5:abc")).isInstanceOf(EngineException.class);
    }

    @Test
    void missingBlobIsNotFound() {
        ContentStore store = new LayoutContentStore(root);
        assertThatThrownBy(() -> store.read(Digest.of(new byte[0])))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND));
    }
}
