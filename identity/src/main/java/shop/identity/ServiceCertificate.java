package shop.identity;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * A service's certificate and private key (PEM files of its authority's folder).
 *
 * @param issued true when {@link CertificateAuthority#issue} made it now, false when it reused it
 */
public record ServiceCertificate(String service, Path certificateFile, Path keyFile, X509Certificate certificate,
                                 boolean issued) {

    public BigInteger serial() {
        return certificate.getSerialNumber();
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }
}
