package shop.platform.events;

import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;

import org.springframework.amqp.core.Declarables;
import org.springframework.amqp.core.TopicExchange;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Events on RabbitMQ for every service that has AMQP and JDBC on its classpath: the durable topic
 * exchange, publisher confirms on Boot's connection factory, the outbox and its relay (for a
 * producer, {@code shop.events.outbox.enabled=true} and an {@code outbox} table), and a listener
 * with retries, dead letters and an {@code inbox} table for each {@link EventSubscription} bean.
 *
 * <p>It lives in platform beside problem+json, security and gRPC clients because it is the same
 * kind of thing: a convention each service takes by depending on platform. Only the outbox and
 * inbox logic is ours; connections, declarations and listener containers are Spring AMQP's.
 */
@AutoConfiguration(after = {RabbitAutoConfiguration.class, JdbcClientAutoConfiguration.class,
        DataSourceTransactionManagerAutoConfiguration.class})
@ConditionalOnClass({RabbitTemplate.class, JdbcClient.class})
@ConditionalOnBean({ConnectionFactory.class, JdbcClient.class, PlatformTransactionManager.class})
@EnableConfigurationProperties(EventsProperties.class)
public class EventsAutoConfiguration {

    /** A row is marked sent only on the broker's confirm, so every connection confirms. */
    @Bean
    static BeanPostProcessor publisherConfirms() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
                if (bean instanceof CachingConnectionFactory factory) {
                    factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
                }
                return bean;
            }
        };
    }

    /** The trace events carry: the service's tracer when it has one (platform brings Brave), else none. */
    @Bean
    EventTrace eventTrace(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        Tracer found = tracer.getIfAvailable();
        Propagator foundPropagator = propagator.getIfAvailable();
        return found == null || foundPropagator == null ? EventTrace.NONE : new EventTrace(found, foundPropagator);
    }

    @Bean
    TopicExchange shopEventsExchange(EventsProperties properties) {
        return new TopicExchange(properties.exchange(), true, false);
    }

    /** Publishes on its own connection, so a blocked publisher never stalls the consumers. */
    @Bean
    RabbitTemplate confirmedEventTemplate(ConnectionFactory connections) {
        RabbitTemplate template = new RabbitTemplate(connections);
        template.setUsePublisherConnection(true);
        return template;
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "shop.events.outbox.enabled", havingValue = "true")
    static class Producer {

        @Bean
        OutboxRelay outboxRelay(JdbcClient jdbc, PlatformTransactionManager transactions,
                RabbitTemplate confirmedEventTemplate, EventsProperties properties) {
            // Its own template rather than a bean: a service's code keeps finding just one TransactionTemplate.
            return new OutboxRelay(jdbc, new TransactionTemplate(transactions), confirmedEventTemplate,
                    properties.exchange(), properties.outbox());
        }

        @Bean
        Outbox outbox(JdbcClient jdbc, JsonMapper json, OutboxRelay relay, EventTrace eventTrace) {
            return new Outbox(jdbc, json, relay, eventTrace);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(EventSubscription.class)
    static class Consumer {

        @Bean
        Declarables eventQueues(Environment environment, TopicExchange shopEventsExchange,
                List<EventSubscription<?>> subscriptions) {
            return EventConsumers.declarables(service(environment), shopEventsExchange, subscriptions);
        }

        @Bean
        EventConsumers eventConsumers(Environment environment, List<EventSubscription<?>> subscriptions,
                ConnectionFactory connections, RabbitTemplate confirmedEventTemplate, JdbcClient jdbc,
                PlatformTransactionManager transactions, JsonMapper json, EventsProperties properties,
                EventTrace eventTrace) {
            return new EventConsumers(service(environment), subscriptions, connections, confirmedEventTemplate, jdbc,
                    new TransactionTemplate(transactions), json, properties.consumer(), eventTrace);
        }

        @Bean
        DeadLetters deadLetters(EventConsumers eventConsumers, ConnectionFactory connections) {
            return new DeadLetters(eventConsumers, connections);
        }

        /**
         * {@code shop.events.dead.letters{type}}: the depth of each dead-letter queue, read from
         * the broker when the metric is read (NaN while the broker is away). Anything above 0
         * needs an operator; each letter was logged at ERROR with its reason when it was parked.
         */
        @Bean
        @ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
        MeterBinder deadLetterDepths(EventConsumers eventConsumers, DeadLetters deadLetters) {
            return registry -> eventConsumers.subscriptions().forEach(subscription -> Gauge
                    .builder("shop.events.dead.letters", deadLetters, letters -> letters.depth(subscription.type()))
                    .tag("type", subscription.type())
                    .description("events this service parked in its dead-letter queue")
                    .register(registry));
        }

        @Bean
        @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
        @ConditionalOnAvailableEndpoint(DeadLetterEndpoint.class)
        DeadLetterEndpoint deadLetterEndpoint(DeadLetters deadLetters) {
            return new DeadLetterEndpoint(deadLetters);
        }

        private static String service(Environment environment) {
            return environment.getRequiredProperty("spring.application.name");
        }
    }
}
