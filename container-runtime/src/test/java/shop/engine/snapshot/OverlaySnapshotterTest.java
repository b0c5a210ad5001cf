package shop.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.TestTars;
import shop.engine.content.Digest;
import shop.engine.support.EngineException;

/** Real overlayfs mounts (needs root, as the engine does). */
@Tag("root")
class OverlaySnapshotterTest {

    @TempDir
    Path temp;
    OverlaySnapshotter snapshots;

    @BeforeEach
    void setUp() {
        snapshots = new OverlaySnapshotter(temp.resolve("state"));
    }

    @AfterEach
    void unmountAll() {
        for (String key : List.of("c1", "c2")) {
            snapshots.remove(key);
        }
        assertThat(Mounts.under(temp)).isEmpty();
    }

    private Layer layer(String name, byte[] tar) throws Exception {
        Path blob = temp.resolve(name);
        Files.write(blob, tar);
        return new Layer(Digest.of(tar), blob);
    }

    @Test
    void upperLayersHideFilesByWhiteoutAndDirectoriesByOpacity() throws Exception {
        Layer base = layer("l1", new TestTars().file("a", "1").dir("d").file("d/x", "x").file("keep", "k").bytes());
        Layer top = layer("l2", new TestTars().rawFile(".wh.a", "").dir("d").rawFile("d/.wh..wh..opq", "").file("d/y", "y").bytes());

        Path rootfs = snapshots.mount("c1", List.of(base, top));

        assertThat(rootfs.resolve("a")).doesNotExist();
        assertThat(Files.readString(rootfs.resolve("keep"))).isEqualTo("k");
        try (Stream<Path> d = Files.list(rootfs.resolve("d"))) {
            assertThat(d).extracting(p -> p.getFileName().toString()).containsExactly("y");
        }
        assertThat(snapshots.isMounted("c1")).isTrue();
    }

    @Test
    void aMountBusyForAMomentIsUnmountedOnceFreeAndOneThatStaysBusyIsAnError() throws Exception {
        Layer base = layer("l1", new TestTars().file("a", "1").bytes());
        Path rootfs = snapshots.mount("c1", List.of(base));
        InputStream held = Files.newInputStream(rootfs.resolve("a"));
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(300);
                held.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        releaser.start();
        snapshots.unmount("c1");
        releaser.join();
        assertThat(snapshots.isMounted("c1")).isFalse();

        Path again = snapshots.mount("c2", List.of(base));
        try (InputStream kept = Files.newInputStream(again.resolve("a"))) {
            assertThatThrownBy(() -> snapshots.unmount("c2")).isInstanceOf(EngineException.class).hasMessageContaining("busy");
        }
    }

    @Test
    void layersAreUnpackedOncePerChainAndShared() throws Exception {
        Layer base = layer("l1", new TestTars().file("a", "1").bytes());
        snapshots.mount("c1", List.of(base));
        snapshots.mount("c2", List.of(base));
        try (Stream<Path> unpacked = Files.list(temp.resolve("state/layers"))) {
            assertThat(unpacked).hasSize(1);
        }
        Files.writeString(snapshots.rootfs("c1").resolve("a"), "changed");
        assertThat(Files.readString(snapshots.rootfs("c2").resolve("a"))).isEqualTo("1");
    }

    @Test
    void diffTurnsDeletionsIntoWhiteoutsAndReplacedDirsIntoOpaqueOnes() throws Exception {
        Layer base = layer("l1", new TestTars().file("a", "1").dir("d").file("d/x", "x").file("b", "b").bytes());
        Path rootfs = snapshots.mount("c1", List.of(base));

        Files.delete(rootfs.resolve("a"));
        Files.delete(rootfs.resolve("d/x"));
        Files.delete(rootfs.resolve("d"));
        Files.createDirectory(rootfs.resolve("d"));
        Files.writeString(rootfs.resolve("d/new"), "n");
        Files.writeString(rootfs.resolve("b"), "changed");
        Files.createLink(rootfs.resolve("b2"), rootfs.resolve("b"));
        Files.createSymbolicLink(rootfs.resolve("to-b"), Path.of("/b"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        snapshots.diff("c1", out);
        List<String> entries = new ArrayList<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                entries.add(e.getName() + (e.isLink() ? " link " + e.getLinkName() : "")
                        + (e.isSymbolicLink() ? " -> " + e.getLinkName() + " size " + e.getSize() : ""));
            }
        }
        assertThat(entries).containsExactly(".wh.a", "b", "b2 link b", "d/", "d/.wh..wh..opq", "d/new", "to-b -> /b size 0");

        Layer diff = layer("diff", out.toByteArray());
        Path replay = snapshots.mount("c2", List.of(base, diff));
        assertThat(replay.resolve("a")).doesNotExist();
        assertThat(Files.readString(replay.resolve("b"))).isEqualTo("changed");
        assertThat(Files.readSymbolicLink(replay.resolve("to-b"))).isEqualTo(Path.of("/b"));
        try (Stream<Path> d = Files.list(replay.resolve("d"))) {
            assertThat(d).extracting(p -> p.getFileName().toString()).containsExactly("new");
        }
    }

    @Test
    void chainIdFollowsTheSpec() {
        String a = "sha256:" + "a".repeat(64);
        String b = "sha256:" + "b".repeat(64);
        assertThat(ChainId.of(List.of(a, b))).containsExactly(a,
                Digest.of((a + " " + b).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
