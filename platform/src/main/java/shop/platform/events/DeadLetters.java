package shop.platform.events;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;

/**
 * The operator's view of a consuming service's dead-letter queues: list what is there and why,
 * replay (back to the subscription's queue, attempts reset, once the cause is fixed) or purge,
 * all of a queue or one event. Messages are taken with unacknowledged gets, and acked only after
 * their replay copy is confirmed; everything not taken is given back, in its order.
 */
public class DeadLetters {

    /** One dead letter: the event, its attempts and why it was parked. */
    public record DeadLetter(String eventId, String type, int attempts, String reason, String deadAt, String body) {
    }

    private final EventConsumers consumers;
    private final ConnectionFactory connections;
    private final DefaultMessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();

    public DeadLetters(EventConsumers consumers, ConnectionFactory connections) {
        this.consumers = consumers;
        this.connections = connections;
    }

    /** The event types this service consumes, each with its dead letters. */
    public Map<String, List<DeadLetter>> all() {
        Map<String, List<DeadLetter>> all = new java.util.LinkedHashMap<>();
        consumers.subscriptions().forEach(subscription -> all.put(subscription.type(), list(subscription.type())));
        return all;
    }

    public List<DeadLetter> list(String type) {
        List<DeadLetter> letters = new ArrayList<>();
        visit(type, message -> false, message -> {
        }, message -> letters.add(describe(message)));
        return letters;
    }

    /** Sends dead letters back to their queue; {@code eventId} null replays all of them. */
    public int replay(String type, String eventId) {
        EventSubscription<?> subscription = subscription(type);
        return visit(type, matches(eventId), message -> consumers.publishConfirmed(
                subscription.queue(consumers.service()), EventConsumers.copy(message, 0, null)), message -> {
                });
    }

    /** How many dead letters of this type wait, counted by the broker; nothing is taken. */
    public long depth(String type) {
        return onQueue(type, Channel::messageCount);
    }

    /** Drops dead letters for good; {@code eventId} null drops all of them. */
    public int purge(String type, String eventId) {
        return visit(type, matches(eventId), message -> {
        }, message -> {
        });
    }

    private static Predicate<Message> matches(String eventId) {
        return message -> eventId == null || eventId.equals(message.getMessageProperties().getMessageId());
    }

    /**
     * Gets every message in the queue once; those {@code take} accepts go to {@code taken} and are
     * then acked, the others go to {@code left} and are given back.
     *
     * @return how many were taken
     */
    private int visit(String type, Predicate<Message> take, Consumer<Message> taken,
            Consumer<Message> left) {
        return onQueue(type, (channel, queue) -> {
            int takenCount = 0;
            long lastGiveBack = -1;
            GetResponse response;
            // Until empty: what this visit holds unacked is not handed out again meanwhile.
            while ((response = channel.basicGet(queue, false)) != null) {
                MessageProperties properties = converter.toMessageProperties(response.getProps(),
                        response.getEnvelope(), StandardCharsets.UTF_8.name());
                Message message = new Message(response.getBody(), properties);
                long tag = response.getEnvelope().getDeliveryTag();
                if (take.test(message)) {
                    taken.accept(message);
                    channel.basicAck(tag, false);
                    takenCount++;
                } else {
                    left.accept(message);
                    lastGiveBack = tag;
                }
            }
            if (lastGiveBack >= 0) {
                channel.basicNack(lastGiveBack, true, true);
                // A synchronous call to the same queue after the asynchronous nack: once it
                // answers, the messages given back are in the queue for the next visit.
                channel.messageCount(queue);
            }
            return takenCount;
        });
    }

    private interface QueueWork<T> {
        T run(Channel channel, String queue) throws java.io.IOException;
    }

    /** Runs on a channel of its own, given the dead-letter queue of this type. */
    private <T> T onQueue(String type, QueueWork<T> work) {
        String queue = subscription(type).deadLetterQueue(consumers.service());
        try (Connection connection = connections.createConnection()) {
            Channel channel = connection.createChannel(false);
            try {
                return work.run(channel, queue);
            } finally {
                channel.close();
            }
        } catch (java.io.IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("dead letters of " + queue + ": " + e.getMessage(), e);
        }
    }

    private EventSubscription<?> subscription(String type) {
        return consumers.subscriptions().stream().filter(subscription -> subscription.type().equals(type))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("this service consumes no event type " + type));
    }

    private static DeadLetter describe(Message message) {
        MessageProperties properties = message.getMessageProperties();
        Object reason = properties.getHeaders().get(EventConsumers.REASON);
        Object deadAt = properties.getHeaders().get(EventConsumers.DEAD_AT);
        return new DeadLetter(properties.getMessageId(), properties.getType(), EventConsumers.attempts(message),
                reason == null ? null : reason.toString(), deadAt == null ? null : deadAt.toString(),
                new String(message.getBody(), StandardCharsets.UTF_8));
    }
}
