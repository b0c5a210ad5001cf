package shop.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    @TempDir
    Path folder;

    @Test
    void aServiceGetsACertificateOfItsNameThatChainsToTheAuthority() throws Exception {
        CertificateAuthority authority = CertificateAuthority.openOrCreate(folder.resolve("stack.pki"));
        ServiceCertificate billing = authority.issue("billing");

        X509Certificate certificate = billing.certificate();
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=billing");
        assertThat(certificate.getSubjectAlternativeNames()).containsExactly(List.of(2, "billing"));
        assertThat(certificate.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        X509Certificate root = CertificateAuthority.readCertificate(authority.certificateFile());
        PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        parameters.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(certificate)), parameters);
    }

    @Test
    void onlyItsOwnerCanReadTheKeysOrListTheFolder() throws Exception {
        CertificateAuthority authority = CertificateAuthority.openOrCreate(folder.resolve("stack.pki"));
        ServiceCertificate catalog = authority.issue("catalog");

        assertThat(mode(authority.folder())).isEqualTo("rwx------");
        assertThat(mode(authority.folder().resolve("ca.key"))).isEqualTo("rw-------");
        assertThat(mode(catalog.keyFile())).isEqualTo("rw-------");
        assertThat(mode(catalog.certificateFile())).isEqualTo("rw-r--r--");
        assertThat(Files.readString(catalog.keyFile())).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    @Test
    void theAuthorityAndAGoodCertificateAreReusedUntilRenewalIsDue() {
        Path pki = folder.resolve("stack.pki");
        ServiceCertificate first = CertificateAuthority.openOrCreate(pki).issue("payment");
        ServiceCertificate again = CertificateAuthority.openOrCreate(pki).issue("payment");
        assertThat(again.issued()).isFalse();
        assertThat(again.serial()).isEqualTo(first.serial());

        Instant beforeRenewal = first.notAfter().minus(CertificateAuthority.RENEW_BEFORE).minus(Duration.ofHours(1));
        assertThat(CertificateAuthority.openOrCreate(pki).issue("payment", beforeRenewal).serial()).isEqualTo(first.serial());
        Instant renewalDue = first.notAfter().minus(CertificateAuthority.RENEW_BEFORE).plus(Duration.ofHours(1));
        ServiceCertificate renewed = CertificateAuthority.openOrCreate(pki).issue("payment", renewalDue);
        assertThat(renewed.issued()).isTrue();
        assertThat(renewed.serial()).isNotEqualTo(first.serial());
        assertThat(renewed.notAfter()).isAfter(first.notAfter());
    }

    @Test
    void aCertificateFromAnotherAuthorityIsReplaced() throws Exception {
        ServiceCertificate foreign = CertificateAuthority.openOrCreate(folder.resolve("other.pki")).issue("inventory");
        CertificateAuthority authority = CertificateAuthority.openOrCreate(folder.resolve("stack.pki"));
        Files.copy(foreign.certificateFile(), authority.folder().resolve("inventory.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(foreign.keyFile(), authority.folder().resolve("inventory.key"), StandardCopyOption.REPLACE_EXISTING);

        ServiceCertificate issued = authority.issue("inventory");

        assertThat(issued.issued()).isTrue();
        assertThat(issued.certificate().getIssuerX500Principal())
                .isEqualTo(CertificateAuthority.readCertificate(authority.certificateFile()).getSubjectX500Principal());
    }

    @Test
    void aNameThatIsNotAServicesIsRefused() {
        CertificateAuthority authority = CertificateAuthority.openOrCreate(folder.resolve("stack.pki"));
        for (String bad : List.of("", "../ca", "Billing", "a/b", "billing,O=evil", "-x")) {
            assertThatThrownBy(() -> authority.issue(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a service name");
        }
        assertThat(authority.folder()).isDirectoryNotContaining("glob:**/*.partial");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
