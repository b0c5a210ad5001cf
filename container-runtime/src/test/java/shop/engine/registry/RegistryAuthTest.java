package shop.engine.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.cli.MainTest;
import shop.engine.image.Image;
import shop.engine.image.Reference;
import shop.engine.support.EngineException;

/** Registries that want credentials: htpasswd Basic auth, and distribution's own token auth with a token server of ours. */
@Tag("root")
class RegistryAuthTest {

    static final Path WORK = FreshEngines.WORK;
    static Engine engine;

    @BeforeAll
    static void open() {
        engine = TestEngines.open("crun");
    }

    @AfterAll
    static void close() {
        engine.containers().close();
        FreshEngines.deleteAll();
    }

    @Test
    void anHtpasswdRegistryRefusesThePushWithoutCredentialsAndTakesItAfterLogin() throws Exception {
        Path dir = WORK.resolve("htpasswd-" + UUID.randomUUID());
        Path config = dir.resolve("docker-config");
        try (LocalRegistry registry = LocalRegistry.startWithHtpasswd(dir, "alice", "s3cret")) {
            String name = registry.address() + "/it/basic:1";
            TestImages.layered(engine.images(), name, 2, 64 << 10);
            try {
                MainTest.Result anonymous = MainTest.cli("push", "--config", config.toString(), name);
                assertThat(anonymous.exit()).isEqualTo(1);
                assertThat(anonymous.err()).contains("unauthorized").contains(registry.address());

                MainTest.Result wrong = MainTest.cli("login", "--config", config.toString(), "-u", "alice", "-p", "wrong", registry.address());
                assertThat(wrong.exit()).isEqualTo(1);
                assertThat(wrong.err()).contains("unauthorized").contains("refused the credentials of user alice");
                assertThat(config.resolve("config.json")).doesNotExist();

                MainTest.Result login = MainTest.cli("login", "--config", config.toString(), "-u", "alice", "-p", "s3cret", registry.address());
                assertThat(login.exit()).as(login.err()).isZero();
                assertThat(login.out()).contains("Login Succeeded");
                assertThat(new DockerConfigFile(config.resolve("config.json")).find(registry.address()))
                        .isEqualTo(Credentials.basic("alice", "s3cret"));

                MainTest.Result push = MainTest.cli("push", "--config", config.toString(), name);
                assertThat(push.exit()).as(push.err()).isZero();
                assertThat(push.out()).contains(": Pushed").contains("1: digest: sha256:");
            } finally {
                engine.images().remove(name, false);
            }
        }
    }

    @Test
    void blobsRedirectedToStorageAreFetchedWithoutTheRegistrysCredentials() throws Exception {
        Path dir = WORK.resolve("redirect-" + UUID.randomUUID());
        try (LocalRegistry registry = LocalRegistry.start(dir, null);
             RedirectingFront front = new RedirectingFront(registry.port, "alice", "s3cret")) {
            String direct = registry.address() + "/it/redirect:1";
            Image image = TestImages.layered(engine.images(), direct, 2, 128 << 10);
            try {
                RegistryClient.open(engine.images(), engine.state()).push(Reference.parse(direct), Credentials.ANONYMOUS, ProgressListener.NONE);
            } finally {
                engine.images().remove(direct, false);
            }
            Engine fresh = FreshEngines.open();
            Image pulled = RegistryClient.open(fresh.images(), fresh.state()).pull(Reference.parse(front.address() + "/it/redirect:1"),
                    Credentials.basic("alice", "s3cret"), ProgressListener.NONE).image();

            assertThat(pulled.manifestDescriptor().digest()).isEqualTo(image.manifestDescriptor().digest());
            assertThat(front.storageReads.get()).isEqualTo(image.manifest().layers().size() + 1);
            assertThat(front.storageRefusals.get()).isZero();
        }
    }

    @Test
    void aTokenAuthRegistryIsPushedToAndPulledFromWithTokensForTheRightScope() throws Exception {
        Path dir = WORK.resolve("token-" + UUID.randomUUID());
        try (TokenServer tokens = new TokenServer(dir.resolve("token"), "alice", "s3cret");
             LocalRegistry registry = LocalRegistry.start(dir, tokens.authConfig())) {
            String name = registry.address() + "/it/token:1";
            Reference ref = Reference.parse(name);
            TestImages.layered(engine.images(), name, 2, 64 << 10);
            try {
                Registry client = RegistryClient.open(engine.images(), engine.state());
                assertThatThrownBy(() -> client.push(ref, Credentials.ANONYMOUS, ProgressListener.NONE))
                        .isInstanceOf(EngineException.class).hasMessageContaining("unauthorized");

                String digest = client.push(ref, Credentials.basic("alice", "s3cret"), ProgressListener.NONE);
                assertThat(tokens.scopesAsked).contains("repository:it/token:pull,push");

                Engine fresh = FreshEngines.open();
                tokens.scopesAsked.clear();
                RegistryClient.open(fresh.images(), fresh.state()).pull(ref, Credentials.basic("alice", "s3cret"), ProgressListener.NONE);
                assertThat(tokens.scopesAsked).containsOnly("repository:it/token:pull");
                assertThat(fresh.images().resolve(name).manifestDescriptor().digest()).isEqualTo(digest);
                assertThat(registry.requests("GET", "/v2/it/token/manifests/1")).isGreaterThanOrEqualTo(1);

                Engine another = FreshEngines.open();
                Registry byToken = RegistryClient.open(another.images(), another.state());
                assertThatThrownBy(() -> byToken.pull(ref, new Credentials(null, null, "stale"), ProgressListener.NONE))
                        .isInstanceOf(EngineException.class).hasMessageContaining("refused the identity token");
                byToken.pull(ref, new Credentials(null, null, TokenServer.REFRESH_TOKEN), ProgressListener.NONE);
                assertThat(another.images().resolve(name).manifestDescriptor().digest()).isEqualTo(digest);
            } finally {
                engine.images().remove(name, false);
            }
        }
    }
}
