package shop.platform.problem;

import java.util.List;

import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of a servlet service as RFC 9457 problem+json (docs/api.md#errors): bad input is a 400 whose
 * {@code errors} list names each bad field; an {@code ErrorResponseException} (such as a
 * {@code ResponseStatusException}) keeps its status and detail; a service this request needed
 * that failed is a 503 or 502 ({@link CalleeFailed}); anything unexpected is a 500 that is
 * logged and leaks no stack trace.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    /** One bad field of a request and what is wrong with it. */
    record FieldProblem(String field, String message) {
    }

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    /** A service this request needed is down or slow (503: try again shortly), or answered with an error (502). */
    @ExceptionHandler(CalleeFailed.class)
    ProblemDetail calleeFailed(CalleeFailed e) {
        HttpStatus status = e.unavailable() ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.BAD_GATEWAY;
        log.warn("call to {} failed: {}", e.service(), e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.unavailable()
                ? "A service this request needs is not answering right now. Please try again shortly."
                : "A service this request needs answered with an error.");
        problem.setTitle(status.getReasonPhrase());
        return problem;
    }

    @ExceptionHandler(InvalidFieldException.class)
    ResponseEntity<Object> invalidField(InvalidFieldException e, WebRequest request) {
        return badRequest(List.of(new FieldProblem(e.field(), e.getMessage())), new HttpHeaders(), request);
    }

    /** From method validation outside a controller's own parameters (a {@code @Validated} bean). */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolated(ConstraintViolationException e, WebRequest request) {
        List<FieldProblem> problems = e.getConstraintViolations().stream()
                .map(violation -> new FieldProblem(lastNode(violation.getPropertyPath()), violation.getMessage()))
                .toList();
        return badRequest(problems, new HttpHeaders(), request);
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("Unexpected error", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "Something went wrong on our side. It has been logged.");
        problem.setTitle("Internal Server Error");
        return problem;
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // A validated request body reports its own fields; any other parameter is the field itself.
        List<FieldProblem> problems = e.getParameterValidationResults().stream()
                .flatMap(result -> result instanceof ParameterErrors body
                        ? body.getFieldErrors().stream().map(error -> new FieldProblem(error.getField(), messageOf(error)))
                        : result.getResolvableErrors().stream()
                                .map(error -> new FieldProblem(parameterName(result.getMethodParameter()), messageOf(error))))
                .toList();
        return badRequest(problems, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = e.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(error.getField(), messageOf(error)))
                .toList();
        return badRequest(problems, headers, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = e instanceof MethodArgumentTypeMismatchException mismatch ? mismatch.getName()
                : e.getPropertyName();
        String expected = e.getRequiredType() == null ? "a valid value"
                : "a value of type " + e.getRequiredType().getSimpleName();
        return badRequest(List.of(new FieldProblem(field, "must be " + expected + ", got '" + e.getValue() + "'")),
                headers, request);
    }

    private ResponseEntity<Object> badRequest(List<FieldProblem> problems, HttpHeaders headers, WebRequest request) {
        String fields = String.join(", ", problems.stream().map(FieldProblem::field).distinct().toList());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Invalid " + fields + ".");
        problem.setTitle("Bad Request");
        problem.setProperty("errors", problems);
        return handleExceptionInternal(new IllegalArgumentException(problem.getDetail()), problem, headers,
                HttpStatus.BAD_REQUEST, request);
    }

    private static String lastNode(Path path) {
        String name = "";
        for (Path.Node node : path) {
            name = node.getName();
        }
        return name;
    }

    private static String parameterName(org.springframework.core.MethodParameter parameter) {
        org.springframework.web.bind.annotation.RequestParam requestParam =
                parameter.getParameterAnnotation(org.springframework.web.bind.annotation.RequestParam.class);
        if (requestParam != null && !requestParam.name().isEmpty()) {
            return requestParam.name();
        }
        return parameter.getParameterName();
    }

    private static String messageOf(MessageSourceResolvable error) {
        if (error instanceof FieldError fieldError && fieldError.getRejectedValue() == null) {
            return "is required";
        }
        return error.getDefaultMessage();
    }
}
