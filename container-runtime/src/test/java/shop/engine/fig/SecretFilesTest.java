package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compose's top-level secrets from files, and a service's mounts of them, read as docker-compose reads them. */
class SecretFilesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void secretFiles() throws Exception {
        Files.writeString(dir.resolve("token.txt"), "t0ken\n");
    }

    private FigFile load(String yaml) throws Exception {
        Path file = dir.resolve("fig.yml");
        Files.writeString(file, yaml);
        return FigFile.load(file, "demo", List.of(), Map.of());
    }

    @Test
    void aSecretIsMountedByNameOrAtItsTarget() throws Exception {
        FigFile fig = load("""
                services:
                  web:
                    image: shop/web
                    secrets: [token, {source: token, target: app/token}, {source: token, target: /etc/token}]
                secrets:
                  token: {file: ./token.txt}
                """);

        Path file = dir.resolve("token.txt");
        assertThat(fig.project().service("web").secrets()).containsExactly(
                new ServiceSpec.Secret("token", file, "/run/secrets/token"),
                new ServiceSpec.Secret("token", file, "/run/secrets/app/token"),
                new ServiceSpec.Secret("token", file, "/etc/token"));
        assertThat(fig.project().service("web").environment()).isEmpty();
        assertThat(ResolvedFile.yaml(fig.project())).contains("source: token", "target: /etc/token",
                "file: " + file);
    }

    @Test
    void inAClusterASecretFileGoesIntoTheStacksSecretAndIsMountedFromIt() throws Exception {
        FigFile fig = load("""
                services:
                  web:
                    image: shop/web
                    secrets: [token]
                secrets:
                  token: {file: ./token.txt}
                """);
        String yaml = KubernetesManifests.of(fig.project()).yaml();

        assertThat(yaml).contains("file.token: " + Base64.getEncoder().encodeToString("t0ken\n".getBytes(StandardCharsets.UTF_8)))
                .contains("mountPath: /run/secrets/token", "subPath: file.token", "secretName: demo-secrets")
                .doesNotContain("ConfigMap");
    }

    @Test
    void modeUidAndGidAreNotAppliedAndAWarningSaysSo() throws Exception {
        FigFile fig = load("""
                services:
                  web:
                    image: shop/web
                    secrets: [{source: token, mode: 0400}]
                secrets:
                  token: {file: ./token.txt}
                """);
        assertThat(fig.warnings()).containsExactly(
                "fig.yml:4: services.web.secrets.mode is not applied to a secret from a file, as in docker-compose");
    }

    /** A stack whose web service mounts {@code mounts} and whose one secret, token, is {@code token}. */
    private String stack(String mounts, String token) {
        return "services:\n  web: {image: shop/web, secrets: " + mounts + "}\nsecrets:\n  token: " + token + "\n";
    }

    @Test
    void badSecretsNameTheFileTheLineAndTheKey() {
        String file = "{file: ./token.txt}";
        assertThatThrownBy(() -> load(stack("[missing]", file)))
                .hasMessage("fig.yml:2: services.web.secrets: secret \"missing\" is not declared under the top-level secrets");
        assertThatThrownBy(() -> load(stack("[]", "{file: ./nowhere.txt}")))
                .hasMessage("fig.yml:4: secrets.token.file: no file " + dir.resolve("nowhere.txt"));
        assertThatThrownBy(() -> load(stack("[]", "{external: true}")))
                .hasMessage("fig.yml:4: secrets.token.external: external secrets need a swarm; use file:");
        assertThatThrownBy(() -> load(stack("[]", "{environment: TOKEN}")))
                .hasMessage("fig.yml:4: secrets.token.environment: unsupported (want file:)");
        assertThatThrownBy(() -> load(stack("[{source: token, target: \"../../etc/passwd\"}]", file)))
                .hasMessageContaining("is not a path in the container");
        assertThatThrownBy(() -> load(stack("[{source: token, owner: root}]", file)))
                .hasMessage("fig.yml:2: services.web.secrets.owner: unknown key (want source, target, uid, gid or mode)");
        assertThatThrownBy(() -> load(stack("[{target: /etc/token}]", file)))
                .hasMessage("fig.yml:2: services.web.secrets: a secret needs source:");
    }
}
