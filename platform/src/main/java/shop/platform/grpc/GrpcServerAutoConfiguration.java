package shop.platform.grpc;

import java.nio.file.Path;

import io.grpc.BindableService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.grpc.server.GlobalServerInterceptor;

/**
 * For a service that serves gRPC: its methods admit only the callers their {@link CalledBy}
 * names, over the mutual TLS that {@link ServiceIdentityDefaults} sets up. At start-up it says
 * whose certificate the service presents and from where, so that running on the development
 * authority is never a surprise.
 */
@AutoConfiguration
@ConditionalOnClass({BindableService.class, GlobalServerInterceptor.class})
@ConditionalOnProperty("spring.grpc.server.port")
public class GrpcServerAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GrpcServerAutoConfiguration.class);

    @Bean
    @GlobalServerInterceptor
    CallerAuthorization callerAuthorization(ObjectProvider<BindableService> services, Environment environment) {
        String directory = environment.getRequiredProperty(ServiceIdentityDefaults.DIRECTORY);
        boolean development = Path.of(directory).equals(
                Path.of(environment.resolvePlaceholders(ServiceIdentityDefaults.DEVELOPMENT_DIRECTORY)));
        log.info("gRPC identity: {}, certified by the authority in {}{}", environment.getProperty("spring.application.name"),
                directory, development ? " (the development one; SHOP_PKI_DIR names another)" : "");
        return new CallerAuthorization(services.orderedStream().toList());
    }
}
