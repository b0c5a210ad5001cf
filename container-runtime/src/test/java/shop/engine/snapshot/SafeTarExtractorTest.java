package shop.engine.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shop.engine.TestTars;
import shop.engine.support.EngineException;
import shop.engine.support.HostCommands;

/** Hostile tars: each must be refused and leave nothing outside the target directory. */
@Tag("root")
class SafeTarExtractorTest {

    @TempDir
    Path temp;
    Path root;
    Path outside;
    SafeTarExtractor extractor;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectory(temp.resolve("root"));
        outside = Files.createDirectory(temp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "keep");
        Path whiteout = temp.resolve("whiteout");
        HostCommands.run(java.util.List.of("mknod", whiteout.toString(), "c", "0", "0"), null, "test whiteout");
        extractor = new SafeTarExtractor(whiteout);
    }

    static Stream<Arguments> hostileTars() {
        return Stream.of(
                Arguments.of("dot-dot", new TestTars().rawFile("../outside/evil", "x"), ".."),
                Arguments.of("dot-dot in the middle", new TestTars().rawFile("a/../../outside/evil", "x"), ".."),
                Arguments.of("absolute", new TestTars().rawFile("/tmp/evil-absolute", "x"), "absolute"),
                Arguments.of("file through symlink to outside",
                        new TestTars().symlink("link", "../outside").file("link/evil", "x"), "symlink"),
                Arguments.of("file through absolute symlink",
                        new TestTars().symlink("etc", "/etc").file("etc/evil", "x"), "symlink"),
                Arguments.of("dir through symlink then file",
                        new TestTars().symlink("d", "/").dir("d/tmp").file("d/tmp/evil", "x"), "symlink"),
                Arguments.of("hardlink to outside",
                        new TestTars().hardlink("h", "../outside/secret"), ".."),
                Arguments.of("hardlink to absolute path",
                        new TestTars().hardlink("h", "/etc/passwd"), "absolute"),
                Arguments.of("hardlink through symlink",
                        new TestTars().symlink("l", "../outside").hardlink("h", "l/secret"), "symlink"),
                Arguments.of("hardlink to nothing in this layer",
                        new TestTars().hardlink("h", "missing"), "not an earlier file"),
                Arguments.of("whiteout of dot-dot", new TestTars().rawFile(".wh...", ""), "whiteout"),
                Arguments.of("whiteout through symlink",
                        new TestTars().symlink("l", "../outside").rawFile("l/.wh.secret", ""), "symlink"));
    }

    @Test
    void aTarPastTheEntryOrByteLimitIsRefusedAtTheEntryThatCrossesIt() throws Exception {
        SafeTarExtractor small = new SafeTarExtractor(null, new SafeTarExtractor.Limits(3, 1000));
        TestTars many = new TestTars().dir("d").file("d/1", "x").file("d/2", "x").file("d/3", "x");
        assertThatThrownBy(() -> small.extract(new ByteArrayInputStream(many.bytes()), root, "layer"))
                .isInstanceOf(EngineException.class).hasMessage("extract layer: refusing entry \"d/3\": more than 3 entries");

        // 1 MiB of zeros gzips to 1 kB: the limit is on what it unpacks to.
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(new TestTars().file("big", new byte[1 << 20], 0644).bytes());
        }
        assertThat(gz.size()).isLessThan(5000);
        assertThatThrownBy(() -> small.extract(new ByteArrayInputStream(gz.toByteArray()), root, "layer"))
                .hasMessage("extract layer: refusing entry \"big\": the files add up to more than 1000 bytes");
        assertThat(root.resolve("big")).doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTars")
    void refusesAndWritesNothingOutside(String name, TestTars tar, String reason) throws Exception {
        assertThatThrownBy(() -> extractor.extract(new ByteArrayInputStream(tar.bytes()), root, "hostile"))
                .isInstanceOf(EngineException.class).hasMessageContaining("refusing").hasMessageContaining(reason);

        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).extracting(p -> p.getFileName().toString()).containsExactly("secret");
        }
        assertThat(Files.readString(outside.resolve("secret"))).isEqualTo("keep");
        assertThat(Path.of("/tmp/evil-absolute")).doesNotExist();
        assertThat(Path.of("/etc/evil")).doesNotExist();
    }

    @Test
    void extractsOrdinaryEntriesWithModesOwnersAndLinks() throws Exception {
        byte[] tar = new TestTars()
                .dir("usr/bin").file("usr/bin/tool", "#!/bin/sh\n", 04755)
                .symlink("bin", "usr/bin")
                .symlink("abs", "/etc/passwd")
                .hardlink("usr/bin/tool2", "usr/bin/tool")
                .file("./dot/slash", "ok")
                .bytes();
        extractor.extract(new ByteArrayInputStream(tar), root, "layer");

        assertThat(Files.readString(root.resolve("usr/bin/tool"))).isEqualTo("#!/bin/sh\n");
        assertThat((Integer) Files.getAttribute(root.resolve("usr/bin/tool"), "unix:mode") & 07777).isEqualTo(04755);
        assertThat(Files.readSymbolicLink(root.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
        assertThat(Files.readSymbolicLink(root.resolve("abs"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.getAttribute(root.resolve("usr/bin/tool2"), "unix:ino"))
                .isEqualTo(Files.getAttribute(root.resolve("usr/bin/tool"), "unix:ino"));
        assertThat(Files.readString(root.resolve("dot/slash"))).isEqualTo("ok");
    }

    @Test
    void whiteoutsBecomeOverlayWhiteoutsAndOpaqueXattrs() throws Exception {
        byte[] tar = new TestTars().dir("d").rawFile("d/.wh..wh..opq", "").rawFile(".wh.gone", "").bytes();
        extractor.extract(new ByteArrayInputStream(tar), root, "layer");

        Path gone = root.resolve("gone");
        assertThat((Integer) Files.getAttribute(gone, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000).isEqualTo(0020000);
        assertThat(Files.getAttribute(gone, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0L);
        assertThat(Files.getFileAttributeView(root.resolve("d"), UserDefinedFileAttributeView.class).list())
                .contains("overlay.opaque");
        assertThat(root.resolve("d/.wh..wh..opq")).doesNotExist();
    }
}
