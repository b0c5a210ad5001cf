package shop.platform.events;

import java.util.HashMap;
import java.util.Map;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.amqp.core.Message;

/**
 * Carries the trace of the change an event reports to its consumers. The outbox keeps the W3C
 * {@code traceparent} of the transaction that wrote the row, the relay (a thread of its own, no
 * trace) puts it on the message, and a consumer handles the delivery in a span of that trace;
 * so the consumer's log lines share the trace id of the request that caused the event.
 */
public final class EventTrace {

    static final String HEADER = "traceparent";

    /** For a service or test without tracing: no traceparent is kept, and handling runs as it is. */
    public static final EventTrace NONE = new EventTrace(Tracer.NOOP, Propagator.NOOP);

    private final Tracer tracer;
    private final Propagator propagator;

    public EventTrace(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** The current span's traceparent, or null outside a trace. */
    String current() {
        Span span = tracer.currentSpan();
        if (span == null) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.get(HEADER);
    }

    /** Runs the handling of a delivery in a consumer span, a child of the trace its message names (else a new trace). */
    void handle(Message message, String consumer, Runnable handling) {
        Map<String, Object> headers = message.getMessageProperties().getHeaders();
        // A header comes back from the broker as a String or, from some clients, as AMQP's LongString.
        Span span = propagator.extract(headers, (carrier, key) -> carrier.get(key) == null ? null : carrier.get(key).toString())
                .name(consumer)
                .kind(Span.Kind.CONSUMER)
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            handling.run();
        } finally {
            span.end();
        }
    }
}
