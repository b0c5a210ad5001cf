package shop.engine.fig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import shop.identity.CertificateAuthority;

/** The stack's service certificates: made by the first up, mounted where the services read them, renewed into a recreate. */
class ServiceCertificatesTest {

    private static final String STACK = """
            x-service-certificates:
              uid: 10001
              services: [api, worker]
            services:
              api:
                image: shop/api
              worker:
                image: shop/worker
              db:
                image: shop/postgres
            """;

    @TempDir
    Path dir;

    /** The file read as the commands that create containers read it; {@code STACK} unless given. */
    private FigFile up(String... yaml) throws Exception {
        Files.writeString(dir.resolve("fig.yml"), yaml.length == 0 ? STACK : yaml[0]);
        return FigFile.loadGeneratingSecrets(dir.resolve("fig.yml"), "demo", List.of(),
                Map.of("SHOP_SECRETS_DIR", dir.resolve("secrets").toString()));
    }

    @Test
    void theFirstUpMakesTheAuthorityAndMountsEachNamedServicesIdentity() throws Exception {
        FigFile up = up();

        Path pki = dir.resolve("secrets/demo.pki");
        assertThat(up.certificatesFolder()).isEqualTo(pki);
        assertThat(up.secretsNotice()).containsExactly("Issued the certificates of api, worker from the stack's authority in " + pki + ".");
        assertThat(up.project().service("api").secrets()).extracting(ServiceSpec.Secret::file, ServiceSpec.Secret::target)
                .containsExactly(
                        tuple(pki.resolve("ca.crt"), "/run/secrets/pki/ca.crt"),
                        tuple(pki.resolve("api.crt"), "/run/secrets/pki/api.crt"),
                        tuple(pki.resolve("api.key"), "/run/secrets/pki/api.key"));
        assertThat(up.project().service("db").secrets()).isEmpty();
        assertThat(Files.readString(pki.resolve("worker.crt"))).startsWith("-----BEGIN CERTIFICATE-----");
        // The services' user reads its key; as anyone else but root fig cannot hand it over, and says so.
        if (System.getProperty("user.name").equals("root")) {
            assertThat(Files.getAttribute(pki.resolve("api.key"), "unix:uid")).isEqualTo(10001);
            assertThat(up.warnings()).isEmpty();
        } else {
            assertThat(up.warnings()).anyMatch(w -> w.contains("could not give " + pki.resolve("api.key") + " to uid 10001"));
        }

        FigFile again = up();
        assertThat(again.secretsNotice()).isEmpty();
        assertThat(again.project().service("api").configHash()).isEqualTo(up.project().service("api").configHash());
    }

    @Test
    void aRenewedCertificateChangesTheServicesConfigurationSoUpRecreatesIt() throws Exception {
        FigFile up = up();
        Path pki = up.certificatesFolder();
        // A certificate that is no longer good (here: signed by another authority) is renewed on the next up.
        Path other = CertificateAuthority.openOrCreate(dir.resolve("other.pki")).issue("api").certificateFile();
        Files.copy(other, pki.resolve("api.crt"), StandardCopyOption.REPLACE_EXISTING);

        FigFile renewed = up();

        assertThat(renewed.secretsNotice()).containsExactly("Issued the certificates of api from the stack's authority in " + pki + ".");
        assertThat(renewed.project().service("api").configHash()).isNotEqualTo(up.project().service("api").configHash());
        assertThat(renewed.project().service("worker").configHash()).isEqualTo(up.project().service("worker").configHash());
    }

    @Test
    void commandsThatCreateNothingIssueNothing() throws Exception {
        Files.writeString(dir.resolve("fig.yml"), STACK);
        FigFile ps = FigFile.load(dir.resolve("fig.yml"), "demo", List.of(), Map.of("SHOP_SECRETS_DIR", dir.resolve("secrets").toString()));

        assertThat(dir.resolve("secrets/demo.pki")).doesNotExist();
        assertThat(ps.secretsNotice()).isEmpty();
    }

    @Test
    void inAClusterTheIdentitiesGoIntoTheStacksSecret() throws Exception {
        FigFile convert = up();

        assertThat(KubernetesManifests.of(convert.project()).yaml())
                .contains("file.pki-ca: ", "mountPath: /run/secrets/pki/api.key", "mountPath: /run/secrets/pki/worker.crt");
    }

    @Test
    void aBadDeclarationIsRefusedAtItsLineAndNothingIsIssued() {
        for (String[] bad : new String[][] {
                {"  uid: 10001\n  services: [api, wrker]", "fig.yml:3: x-service-certificates.services: \"wrker\" is not a service of the file"},
                {"  uid: 10001\n  services: [api, ../ca]", "fig.yml:3: x-service-certificates.services: \"../ca\" cannot name a certificate"},
                {"  uid: 10001\n  services: []", "fig.yml:1: x-service-certificates: name the services that get a certificate under services:"},
                {"  services: [api]\n  owner: 10001", "fig.yml:3: x-service-certificates.owner: unknown key (want uid or services)"},
                {"  services: [api]\n  uid: -1", "fig.yml:3: x-service-certificates.uid: -1 is out of range"}}) {
            String yaml = STACK.replace("  uid: 10001\n  services: [api, worker]", bad[0]);
            assertThatThrownBy(() -> up(yaml))
                    .as(bad[0]).isInstanceOf(FigException.class).hasMessageStartingWith(bad[1]);
        }
        assertThat(dir.resolve("secrets/demo.pki")).doesNotExist();
    }
}
