package shop.platform.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A REST request that needed another service which is down, slow or failing is answered 503
 * (try again later) or 502, as problem+json, within the call's deadline. Ordered before the
 * catch-all handler, which would call it a 500.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class GrpcFailureProblems {

    private static final Logger log = LoggerFactory.getLogger(GrpcFailureProblems.class);

    @ExceptionHandler(StatusRuntimeException.class)
    ProblemDetail calleeFailed(StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean unavailable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED;
        HttpStatus status = unavailable ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
        log.warn("gRPC call failed: {} {}", code, e.getStatus().getDescription());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, unavailable
                ? "A service this request needs is not answering right now. Please try again shortly."
                : "A service this request needs answered with an error.");
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }
}
