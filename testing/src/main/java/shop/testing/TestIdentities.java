package shop.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import shop.identity.CertificateAuthority;
import shop.identity.ServiceCertificate;

/**
 * The tests' certificate authority, as fig makes a stack's: one in {@code target/test-pki} per
 * module, with a certificate for each of the shop's services. Every Spring test context takes its
 * service's identity from there ({@link TestIdentitiesContextCustomizerFactory}), and a test calls
 * a service's gRPC methods as a service of its choosing, or as a stranger.
 */
public final class TestIdentities {

    /** The services of the shop that talk gRPC, each with a certificate. */
    public static final List<String> SERVICES = List.of("catalog", "inventory", "shipping", "payment", "billing",
            "recommendations", "profiles");

    private static CertificateAuthority authority;

    private TestIdentities() {
    }

    /** The authority's folder, every service's certificate in it: a service's {@code SHOP_PKI_DIR}. */
    public static synchronized Path directory() {
        if (authority == null) {
            CertificateAuthority opened = CertificateAuthority.openOrCreate(Path.of("target", "test-pki").toAbsolutePath());
            SERVICES.forEach(opened::issue);
            authority = opened;
        }
        return authority.folder();
    }

    /** What a server of this service presents, requiring a certificate of the tests' authority of every client. */
    public static ServerCredentials server(String service) {
        ServiceCertificate certificate = certificate(service);
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(certificate.certificateFile().toFile(), certificate.keyFile().toFile())
                    .trustManager(caFile().toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a client calling as this service presents; it trusts only the tests' authority. */
    public static ChannelCredentials client(String service) {
        return client(certificate(service));
    }

    /** A client with no certificate of its own. */
    public static ChannelCredentials anonymous() {
        try {
            return TlsChannelCredentials.newBuilder().trustManager(caFile().toFile()).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client calling with a certificate in this service's name from another authority. */
    public static ChannelCredentials stranger(String service) {
        return client(CertificateAuthority.openOrCreate(Path.of("target", "stranger-pki").toAbsolutePath()).issue(service));
    }

    /** A channel to a server of {@code service} on a loopback port, checking the server is that service. */
    public static ManagedChannel channel(ChannelCredentials credentials, String service, int port) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).overrideAuthority(service).build();
    }

    private static ChannelCredentials client(ServiceCertificate certificate) {
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(certificate.certificateFile().toFile(), certificate.keyFile().toFile())
                    .trustManager(caFile().toFile())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServiceCertificate certificate(String service) {
        directory();
        return authority.issue(service);
    }

    private static Path caFile() {
        directory();
        return authority.certificateFile();
    }
}
