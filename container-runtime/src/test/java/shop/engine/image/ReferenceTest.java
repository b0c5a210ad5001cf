package shop.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import shop.engine.support.EngineException;

class ReferenceTest {

    private static final String D = "sha256:" + "a".repeat(64);

    @ParameterizedTest
    @CsvSource({
            "debian, docker.io/library/debian:latest, debian:latest",
            "debian:bookworm-slim, docker.io/library/debian:bookworm-slim, debian:bookworm-slim",
            "library/debian:12, docker.io/library/debian:12, debian:12",
            "docker.io/library/debian, docker.io/library/debian:latest, debian:latest",
            "index.docker.io/foo/bar:1, docker.io/foo/bar:1, foo/bar:1",
            "foo/bar, docker.io/foo/bar:latest, foo/bar:latest",
            "localhost/app, localhost/app:latest, localhost/app:latest",
            "localhost:5000/shop/catalog:1.0, localhost:5000/shop/catalog:1.0, localhost:5000/shop/catalog:1.0",
            "127.0.0.1:5000/a__b/c-d.e:v_1, 127.0.0.1:5000/a__b/c-d.e:v_1, 127.0.0.1:5000/a__b/c-d.e:v_1",
            "ghcr.io/org/team/app:tag, ghcr.io/org/team/app:tag, ghcr.io/org/team/app:tag",
            "[::1]:5000/app:1, [::1]:5000/app:1, [::1]:5000/app:1",
    })
    void normalisesLikeDocker(String input, String full, String familiar) {
        Reference ref = Reference.parse(input);
        assertThat(ref.toString()).isEqualTo(full);
        assertThat(ref.familiar()).isEqualTo(familiar);
    }

    @org.junit.jupiter.api.Test
    void digestWithoutTagHasNoDefaultTag() {
        Reference ref = Reference.parse("registry.local:5000/app@" + D);
        assertThat(ref.tag()).isNull();
        assertThat(ref.digest()).isEqualTo(D);
        assertThat(ref.name()).isEqualTo("registry.local:5000/app");
        assertThat(Reference.parse("app:1@" + D).toString()).isEqualTo("docker.io/library/app:1@" + D);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Debian", "foo//bar", "foo/", ":tag", "foo:", "foo:-bad", "foo@sha256:abc",
            "foo_/bar", "a..b", "foo bar", "foo:tag:tag2", "-foo"})
    void refusesWhatTheGrammarRefuses(String input) {
        assertThatThrownBy(() -> Reference.parse(input)).isInstanceOf(EngineException.class)
                .hasMessageContaining("invalid reference");
    }

    @org.junit.jupiter.api.Test
    void refusesNamesLongerThan255() {
        assertThatThrownBy(() -> Reference.parse("a".repeat(250) + "/bbbbbbbb")).hasMessageContaining("255");
    }
}
