package shop.engine.dockerfile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DockerIgnoreTest {

    @Test
    void globsExceptionsAndParents() {
        DockerIgnore ignore = new DockerIgnore("""
                # comment
                target
                *.log
                **/*.tmp
                /secrets/*
                !secrets/public.key
                """);
        assertThat(ignore.excludes("target")).isTrue();
        assertThat(ignore.excludes("target/app.jar")).isTrue();
        assertThat(ignore.excludes("debug.log")).isTrue();
        assertThat(ignore.excludes("logs/debug.log")).isFalse();
        assertThat(ignore.excludes("a/b/c.tmp")).isTrue();
        assertThat(ignore.excludes("c.tmp")).isTrue();
        assertThat(ignore.excludes("secrets/private.key")).isTrue();
        assertThat(ignore.excludes("secrets/public.key")).isFalse();
        assertThat(ignore.excludes("src/Main.java")).isFalse();
    }
}
