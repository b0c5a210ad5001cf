package shop.platform.apidocs;

import java.util.Map;

import shop.platform.config.PropertyDefaults;

/**
 * springdoc documents the public API only ({@code /api/**}, what the gateway routes), as OpenAPI
 * 3.0 with its keys in a fixed order, so that a document reads the same on every start and the
 * contract test can compare it with the released one. Registered in META-INF/spring.factories.
 */
public class ApiDocsDefaults extends PropertyDefaults {

    public ApiDocsDefaults() {
        super("shopApiDocsDefaults", Map.of(
                "springdoc.paths-to-match", "/api/**",
                "springdoc.api-docs.version", "openapi_3_0",
                "springdoc.writer-with-order-by-keys", "true"));
    }
}
