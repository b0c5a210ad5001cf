package shop.testing;

import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.testcontainers.rabbitmq.RabbitMQContainer;

/**
 * The JVM's RabbitMQ container (see {@link TestInfrastructure}) as Spring Boot's service
 * connection: the context's {@code RabbitConnectionDetails} come from it. Every test context
 * shares the one container, so no context stops it when it closes.
 */
@Configuration(proxyBeanMethods = false)
class SharedRabbitMq {

    @Bean(destroyMethod = "")
    @ServiceConnection
    RabbitMQContainer rabbitMqContainer() {
        return TestInfrastructure.rabbitmq();
    }
}
