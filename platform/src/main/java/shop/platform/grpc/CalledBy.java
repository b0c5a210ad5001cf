package shop.platform.grpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The services that may call this gRPC method, by the name their certificate carries: on every
 * method of every gRPC service a service serves, next to its code, so that who may call what is
 * read where it is written. A method without it makes the service refuse to start
 * ({@link CallerAuthorization}); any other caller is answered PERMISSION_DENIED.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CalledBy {

    /** Every service of the stack: any certificate of the stack's authority. */
    String ANY_SERVICE = "*";

    /** The callers' service names, or {@link #ANY_SERVICE}. */
    String[] value();
}
