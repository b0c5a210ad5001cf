package shop.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.TestTars;
import shop.engine.content.LayoutContentStore;
import shop.engine.support.EngineException;

/** Docker Hub's names for a Debian release come from that release's debootstrap tarball, others are pulled. */
class BaseImagesTest {

    @TempDir
    Path root;

    private final List<String> pulled = new ArrayList<>();

    private BaseImages baseImages(Path cache) throws Exception {
        ImageStore store = new LayoutImageStore(new LayoutContentStore(Files.createDirectories(root.resolve("store"))));
        return new BaseImages(store, cache, ref -> {
            pulled.add(ref.toString());
            throw EngineException.notFound("no registry here");
        });
    }

    @Test
    void eachReleaseNameIsImportedFromItsOwnSuitesTarball() throws Exception {
        Path cache = Files.createDirectories(root.resolve("cache"));
        Files.write(cache.resolve("debian-trixie-minbase.tar"),
                new TestTars().file("etc/debian_version", "13.2\n").bytes());
        BaseImages images = baseImages(cache);

        Image trixie = images.resolve("debian:13-slim");
        assertThat(trixie.names()).extracting(Reference::toString).contains("docker.io/library/debian:13-slim");
        assertThat(images.resolve("debian:trixie-slim").manifest().layers()).hasSize(1);
        assertThat(pulled).isEmpty();
    }

    @Test
    void aReleaseWithoutItsTarballSaysWhichFileAndHowToMakeIt() throws Exception {
        Path cache = Files.createDirectories(root.resolve("cache"));
        Files.write(cache.resolve("debian-bookworm-minbase.tar"), new TestTars().file("etc/debian_version", "12.1\n").bytes());

        assertThatThrownBy(() -> baseImages(cache).resolve("debian:trixie"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(EngineException.Kind.NOT_FOUND))
                .hasMessageContaining(cache.resolve("debian-trixie-minbase.tar").toString())
                .hasMessageContaining("ci-prereqs.sh");
        assertThat(pulled).isEmpty();
    }

    @Test
    void anyOtherNameIsPulledAndAFailedPullIsNotFound() throws Exception {
        assertThatThrownBy(() -> baseImages(root.resolve("cache")).resolve("debian:14-slim"))
                .hasMessageContaining("No such image: debian:14-slim (pull: no registry here)");
        assertThat(pulled).containsExactly("docker.io/library/debian:14-slim");
    }
}
