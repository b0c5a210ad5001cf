package shop.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the service under test in the annotated Spring test class check login tokens against a
 * {@link TestTokens} instead of profiles: its JWK Set becomes {@code shop.security.jwks-uri}
 * (a real host, so {@code shop.security.jwks-load-balanced=false}), and the class autowires the
 * {@code TestTokens} bean to sign the tokens it sends. The JWK Set is served until the context closes.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface TrustsTestTokens {
}
