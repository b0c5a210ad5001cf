package shop.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.engine.support.EngineException;

/** The small parts with rules of their own: challenges, where a registry is reached, config.json. */
class RegistryBasicsTest {

    @Test
    void bearerChallengesAreReadWithQuotedCommasAndBasicOnesWithoutParameters() {
        AuthChallenge bearer = AuthChallenge.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\"").orElseThrow();
        assertThat(bearer.isBearer()).isTrue();
        assertThat(bearer.params()).containsEntry("realm", "https://auth.example/token")
                .containsEntry("service", "registry.example").containsEntry("scope", "repository:a/b:pull,push");
        assertThat(AuthChallenge.parse("Basic realm=\"it-realm\"").orElseThrow().isBasic()).isTrue();
        assertThat(AuthChallenge.parse("BASIC").orElseThrow().params()).isEmpty();
        assertThat(AuthChallenge.parse(" ")).isEmpty();
    }

    @Test
    void registriesAreHttpsExceptLoopbackAndTheNamedInsecureOnes() {
        RegistryHosts hosts = new RegistryHosts(Set.of("build.lan:5000"));
        assertThat(hosts.base("registry.example:5000")).hasToString("https://registry.example:5000");
        assertThat(hosts.base("docker.io")).hasToString("https://registry-1.docker.io");
        assertThat(hosts.base("localhost:5000")).hasToString("http://localhost:5000");
        assertThat(hosts.base("127.0.0.1:41000")).hasToString("http://127.0.0.1:41000");
        assertThat(hosts.base("build.lan:5000")).hasToString("http://build.lan:5000");
        assertThat(hosts.base("build.lan:5001")).hasToString("https://build.lan:5001");
        assertThat(RegistryHosts.domainOf("https://index.docker.io/v1/")).isEqualTo("docker.io");
        assertThat(RegistryHosts.domainOf("http://127.0.0.1:5000/")).isEqualTo("127.0.0.1:5000");
        assertThat(RegistryHosts.domainOf(null)).isEqualTo("docker.io");
    }

    @Test
    void configJsonKeepsOtherKeysAndFindsHubCredentialsUnderTheDockerCliKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"Ym9iOnB3OmQ=\"}},\"psFormat\":\"x\"}");
        DockerConfigFile config = new DockerConfigFile(file);
        assertThat(config.find("docker.io")).isEqualTo(Credentials.basic("bob", "pw:d"));
        assertThat(config.find("other.example")).isEqualTo(Credentials.ANONYMOUS);

        config.save("127.0.0.1:5000", Credentials.basic("alice", "s3cret"));

        assertThat(Files.readString(file)).contains("\"psFormat\" : \"x\"").contains("https://index.docker.io/v1/");
        assertThat(new DockerConfigFile(file).find("127.0.0.1:5000")).isEqualTo(Credentials.basic("alice", "s3cret"));
        assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
        Files.writeString(file, "{\"auths\":{\"bad.example\":{\"auth\":\"not base64!\"}}}");
        assertThatThrownBy(() -> new DockerConfigFile(file).find("bad.example"))
                .isInstanceOf(EngineException.class).hasMessageContaining("auths.bad.example.auth is not base64");
    }
}
