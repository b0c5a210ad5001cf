package shop.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import shop.testing.TestIdentities;

/** A service's gRPC identity: its certificate from SHOP_PKI_DIR, and a clear failure when that folder lacks it. */
class ServiceIdentityDefaultsTest {

    private final ApplicationContextRunner service = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
            .withPropertyValues("spring.application.name=billing", "spring.grpc.server.port=0")
            .withInitializer(context -> new ServiceIdentityDefaults().postProcessEnvironment(context.getEnvironment(), null));

    @Test
    void theServiceRequiresClientCertificatesAndPresentsItsOwn() {
        service.withPropertyValues("SHOP_PKI_DIR=" + TestIdentities.directory()).run(context -> {
            assertThat(context.getEnvironment().getProperty("spring.grpc.server.ssl.client-auth")).isEqualTo("require");
            assertThat(context.getEnvironment().getProperty("spring.grpc.server.ssl.bundle")).isEqualTo(ServiceIdentityDefaults.BUNDLE);
            assertThat(context.getBean(SslBundles.class).getBundle(ServiceIdentityDefaults.BUNDLE).getStores().getKeyStore()
                    .getCertificate("ssl")).isNotNull();
        });
    }

    @Test
    void aFolderWithoutTheServicesCertificateStopsItNamingTheFile(@TempDir Path empty) {
        // The gRPC server and ServiceChannels take the bundle at start-up: this is what stops the service.
        service.withPropertyValues("SHOP_PKI_DIR=" + empty).run(context -> assertThatThrownBy(
                () -> context.getBean(SslBundles.class).getBundle(ServiceIdentityDefaults.BUNDLE).getStores().getKeyStore())
                .hasStackTraceContaining(empty.resolve("billing.crt").toString()));
    }

    @Test
    void aServiceWithoutGrpcGetsNoIdentity() {
        new ApplicationContextRunner()
                .withInitializer(context -> new ServiceIdentityDefaults().postProcessEnvironment(context.getEnvironment(), null))
                .run(context -> assertThat(context.getEnvironment().containsProperty("spring.grpc.server.ssl.bundle")).isFalse());
    }
}
