package shop.platform.grpc;

import java.util.function.Function;

import io.grpc.stub.AbstractStub;
import shop.platform.problem.CalleeFailed;

/**
 * The calls a service makes to one other service, on that service's stub, each with the deadline
 * and the circuit breaker of {@link GrpcCalls}. A service's client holds one per callee:
 * {@code calls.callee("catalog", CatalogServiceGrpc::newBlockingStub)}.
 */
public final class Callee<S extends AbstractStub<S>> {

    private final String service;
    private final S stub;
    private final GrpcCalls calls;

    Callee(String service, S stub, GrpcCalls calls) {
        this.service = service;
        this.stub = stub;
        this.calls = calls;
    }

    /**
     * A call that is safe to repeat (a read, or a change keyed so the callee applies it once), so it
     * is retried when the callee could not be reached: {@code catalog.idempotent(stub -> stub.getProducts(request))}.
     *
     * @throws CalleeFailed when the call failed after its retries, whyever it did
     */
    public <T> T idempotent(Function<S, T> call) {
        return calls.idempotent(service, () -> call.apply(calls.withDeadline(stub)));
    }
}
