package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The passwords fig makes for a stack: generated once, kept private, shown only where asked, never overriding the user. */
class StackSecretsTest {

    private static final String STACK = """
            x-generated-secrets:
              DB_PASSWORD: hidden
              ADMIN_PASSWORD: shown
            services:
              db:
                image: shop/postgres
                environment:
                  POSTGRES_PASSWORD: ${DB_PASSWORD}
              web:
                image: shop/web
                environment:
                  ADMIN_PASSWORD: ${ADMIN_PASSWORD}
            """;

    @TempDir
    Path dir;

    private Path stack(String yaml) throws Exception {
        Path file = dir.resolve("fig.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private Map<String, String> environment(String... more) {
        Map<String, String> environment = new HashMap<>(Map.of("SHOP_SECRETS_DIR", dir.resolve("secrets").toString()));
        for (int i = 0; i < more.length; i += 2) {
            environment.put(more[i], more[i + 1]);
        }
        return environment;
    }

    private static String env(FigFile fig, String service, String name) {
        return fig.project().service(service).environment().get(name);
    }

    @Test
    void theFirstUpGeneratesEverySecretStoresItPrivatelyAndShowsOnlyTheShownOnes() throws Exception {
        FigFile up = FigFile.loadGeneratingSecrets(stack(STACK), "demo", List.of(), environment());

        String database = env(up, "db", "POSTGRES_PASSWORD");
        String admin = env(up, "web", "ADMIN_PASSWORD");
        assertThat(database).matches("[A-Za-z0-9]{24}");
        assertThat(admin).matches("[A-Za-z0-9]{24}").isNotEqualTo(database);
        assertThat(up.warnings()).isEmpty();

        Path file = dir.resolve("secrets/demo.env");
        assertThat(up.secretsFile()).isEqualTo(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(EnvFiles.parse(file)).containsEntry("DB_PASSWORD", database).containsEntry("ADMIN_PASSWORD", admin);
        assertThat(String.join("\n", up.secretsNotice())).contains(admin, file.toString()).doesNotContain(database);

        FigFile later = FigFile.loadGeneratingSecrets(stack(STACK), "demo", List.of(), environment());
        assertThat(env(later, "db", "POSTGRES_PASSWORD")).isEqualTo(database);
        assertThat(env(later, "web", "ADMIN_PASSWORD")).isEqualTo(admin);
        assertThat(later.secretsNotice()).as("nothing new, nothing shown again").isEmpty();
    }

    @Test
    void commandsThatCreateNothingReadStoredSecretsButGenerateNone() throws Exception {
        FigFile config = FigFile.load(stack(STACK), "demo", List.of(), environment());

        assertThat(env(config, "db", "POSTGRES_PASSWORD")).isEmpty();
        assertThat(config.warnings()).as("a secret not generated yet is expected, not a mistake").isEmpty();
        assertThat(config.secretsFile()).doesNotExist();

        FigFile.loadGeneratingSecrets(stack(STACK), "demo", List.of(), environment());
        assertThat(env(FigFile.load(stack(STACK), "demo", List.of(), environment()), "db", "POSTGRES_PASSWORD")).hasSize(24);
    }

    @Test
    void theEnvironmentAndDotEnvWinAndAreNotStored() throws Exception {
        Files.writeString(dir.resolve(".env"), "DB_PASSWORD=from-dotenv\n");
        FigFile up = FigFile.loadGeneratingSecrets(stack(STACK), "demo", List.of(), environment("ADMIN_PASSWORD", "chosen-by-me"));

        assertThat(env(up, "db", "POSTGRES_PASSWORD")).isEqualTo("from-dotenv");
        assertThat(env(up, "web", "ADMIN_PASSWORD")).isEqualTo("chosen-by-me");
        assertThat(up.secretsNotice()).isEmpty();
        assertThat(up.secretsFile()).doesNotExist();
    }

    @Test
    void eachProjectHasItsOwnSecrets() throws Exception {
        FigFile one = FigFile.loadGeneratingSecrets(stack(STACK), "one", List.of(), environment());
        FigFile two = FigFile.loadGeneratingSecrets(stack(STACK), "two", List.of(), environment());

        assertThat(one.secretsFile()).isNotEqualTo(two.secretsFile());
        assertThat(env(one, "db", "POSTGRES_PASSWORD")).isNotEqualTo(env(two, "db", "POSTGRES_PASSWORD"));
    }

    @Test
    void aBadDeclarationNamesTheFileTheLineAndTheKey() throws Exception {
        assertThatThrownBy(() -> FigFile.load(stack("""
                x-generated-secrets:
                  DB_PASSWORD: secret
                services:
                  db: {image: shop/postgres}
                """), "demo", List.of(), environment()))
                .isInstanceOf(FigException.class)
                .hasMessage("fig.yml:2: x-generated-secrets.DB_PASSWORD: want hidden or shown, not \"secret\"");
        assertThatThrownBy(() -> FigFile.load(stack("""
                x-generated-secrets:
                  1DB: hidden
                services:
                  db: {image: shop/postgres}
                """), "demo", List.of(), environment()))
                .isInstanceOf(FigException.class)
                .hasMessageContaining("fig.yml:2: x-generated-secrets")
                .hasMessageContaining("\"1DB\" is not a variable name");
    }
}
