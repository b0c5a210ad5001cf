package shop.platform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import brave.Tracing;
import brave.propagation.ThreadLocalCurrentTraceContext;
import com.rabbitmq.client.impl.LongStringHelper;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;

/** The trace an event carries, on Brave with W3C propagation as a service runs it. */
class EventTraceTest {

    final Tracing tracing = Tracing.newBuilder().traceId128Bit(true).propagationFactory(new W3CPropagation())
            .currentTraceContext(ThreadLocalCurrentTraceContext.create()).build();
    final Tracer tracer = new BraveTracer(tracing.tracer(), new BraveCurrentTraceContext(tracing.currentTraceContext()));
    final EventTrace trace = new EventTrace(tracer, new BravePropagator(tracing));

    @AfterEach
    void close() {
        tracing.close();
    }

    @Test
    void theConsumerHandlesAnEventInTheTraceThatWroteIt() {
        Span request = tracer.nextSpan().start();
        String traceparent;
        try (Tracer.SpanInScope scope = tracer.withSpan(request)) {
            traceparent = trace.current();
        } finally {
            request.end();
        }
        assertThat(traceparent).startsWith("00-" + request.context().traceId() + "-");

        AtomicReference<Span> handledIn = new AtomicReference<>();
        trace.handle(message(traceparent), "shipping.order.placed", () -> handledIn.set(tracer.currentSpan()));
        assertThat(handledIn.get().context().traceId()).isEqualTo(request.context().traceId());
        assertThat(handledIn.get().context().spanId()).isNotEqualTo(request.context().spanId());
        assertThat(tracer.currentSpan()).as("the consumer's span ends with the handling").isNull();
    }

    /** A header a stranger's client set (the broker takes any) starts a trace of its own; the delivery is still handled. */
    @Test
    void aMalformedTraceparentIsHandledInATraceOfItsOwn() {
        AtomicReference<Span> handledIn = new AtomicReference<>();
        trace.handle(message("00-not-a-trace-01"), "shipping.order.placed", () -> handledIn.set(tracer.currentSpan()));
        assertThat(handledIn.get()).isNotNull();
        assertThat(handledIn.get().context().traceId()).hasSize(32).isNotEqualTo("not-a-trace");
    }

    @Test
    void anEventWrittenOutsideATraceIsHandledInATraceOfItsOwn() {
        assertThat(trace.current()).isNull();
        AtomicReference<Span> handledIn = new AtomicReference<>();
        trace.handle(message(null), "shipping.order.placed", () -> handledIn.set(tracer.currentSpan()));
        assertThat(handledIn.get()).isNotNull();
    }

    /** A delivery as the broker hands it over: the header is AMQP's LongString, not a String. */
    private static Message message(String traceparent) {
        MessageBuilder builder = MessageBuilder.withBody("{}".getBytes(StandardCharsets.UTF_8));
        if (traceparent != null) {
            builder.setHeader(EventTrace.HEADER, LongStringHelper.asLongString(traceparent));
        }
        return builder.build();
    }
}
