package shop.platform.grpc;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.AbstractStub;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import shop.platform.problem.CalleeFailed;

/**
 * How a service calls another over gRPC, through a {@link Callee} per callee: every call has a
 * deadline and goes through the callee's circuit breaker; an idempotent call is retried, with
 * backoff, and only when the callee could not be reached. An open breaker fails at once as
 * UNAVAILABLE. Whatever fails leaves as {@link CalleeFailed} with gRPC's status as its cause, so
 * that only the service's client, which reads that status, ever sees a gRPC type.
 */
public class GrpcCalls {

    private static final Logger log = LoggerFactory.getLogger(GrpcCalls.class);

    /** Failures worth another try: the call did not reach a working server. */
    private static final Set<Status.Code> TRANSIENT = EnumSet.of(Status.Code.UNAVAILABLE);
    /** Failures that say the callee is unwell; a caller's bad argument does not trip the breaker. */
    private static final Set<Status.Code> CALLEE_FAILURES = EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.RESOURCE_EXHAUSTED);

    private final GrpcClientProperties properties;
    private final ServiceChannels channels;
    private final CircuitBreakerRegistry breakers;
    private final RetryRegistry retries;

    GrpcCalls(GrpcClientProperties properties, ServiceChannels channels) {
        this.properties = properties;
        this.channels = channels;
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                // The calls of the last 10 s, not the last 20: a restarted service's first calls, slow
                // while it connects on a cold JVM, once opened its breaker a minute later, when enough
                // good calls had come to pass the minimum while the old failures still counted.
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
                .slidingWindowSize(10)
                // A recovered callee closes the breaker after a few good probes, not the default ten.
                .permittedNumberOfCallsInHalfOpenState(3)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(properties.breakerWaitInOpenState())
                .recordException(GrpcCalls::isCalleeFailure)
                .ignoreException(GrpcCalls::isUnregistered)
                .build());
        // A service's log shows when a callee was cut off, probed and let back in.
        this.breakers.getEventPublisher().onEntryAdded(added -> added.getAddedEntry().getEventPublisher()
                .onStateTransition(event -> log.warn("circuit breaker for {}: {}", event.getCircuitBreakerName(),
                        event.getStateTransition())));
        this.retries = RetryRegistry.of(RetryConfig.custom()
                .maxAttempts(3)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(100, 2))
                .retryOnException(e -> e instanceof StatusRuntimeException failure
                        && TRANSIENT.contains(failure.getStatus().getCode()))
                .build());
    }

    /** The calls to this service, on the stub {@code newStub} makes of its channel. */
    public <S extends AbstractStub<S>> Callee<S> callee(String service, Function<Channel, S> newStub) {
        return new Callee<>(service, newStub.apply(channels.channel(service)), this);
    }

    /** The stub with this service's deadline applied, counted from now. */
    <S extends AbstractStub<S>> S withDeadline(S stub) {
        return stub.withDeadlineAfter(properties.deadline().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A call that is safe to repeat: a read, or a change keyed so the callee applies it once.
     *
     * @throws CalleeFailed when the call failed after its retries, whyever it did
     */
    <T> T idempotent(String service, Supplier<T> call) {
        return guarded(service, () -> breakers.circuitBreaker(service)
                .executeSupplier(() -> retries.retry(service).executeSupplier(call)));
    }

    private static <T> T guarded(String service, Supplier<T> call) {
        try {
            return call.get();
        } catch (CallNotPermittedException open) {
            throw failed(service, Status.UNAVAILABLE.withDescription(service + " is failing; its circuit breaker is open")
                    .withCause(open).asRuntimeException());
        } catch (StatusRuntimeException e) {
            throw failed(service, e);
        }
    }

    private static CalleeFailed failed(String service, StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean unavailable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
        // The status without its cause: gRPC's Status.toString would put a whole stack trace in a log line.
        return new CalleeFailed(service, unavailable, code + " " + e.getStatus().getDescription(), e);
    }

    /** Discovery lists no instance: no server was called (see {@link NoInstanceRegistered}). */
    private static boolean isUnregistered(Throwable e) {
        return e instanceof StatusRuntimeException failure && failure.getStatus().getCause() instanceof NoInstanceRegistered;
    }

    private static boolean isCalleeFailure(Throwable e) {
        return e instanceof StatusRuntimeException failure && CALLEE_FAILURES.contains(failure.getStatus().getCode());
    }
}
