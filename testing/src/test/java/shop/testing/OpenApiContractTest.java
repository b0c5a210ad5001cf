package shop.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What counts as breaking a public REST contract, on a small API of one product lookup. */
class OpenApiContractTest {

    private static final String RELEASED = api("""
            "/api/catalog/products/{id}": {"get": {"operationId": "product",
              "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
              "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Product"}}}}}}},
            "/api/catalog/categories": {"get": {"operationId": "categories", "responses": {"200": {"description": "OK"}}}}
            """, """
            "Product": {"type": "object", "properties": {"id": {"type": "integer"}, "sku": {"type": "string"}}}
            """);

    @Test
    void addingAnEndpointAFieldOrAnOptionalParameterBreaksNothing() {
        String current = api("""
                "/api/catalog/products/{id}": {"get": {"operationId": "product",
                  "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                                 {"name": "currency", "in": "query", "required": false, "schema": {"type": "string"}}],
                  "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Product"}}}}}}},
                "/api/catalog/categories": {"get": {"operationId": "categories", "responses": {"200": {"description": "OK"}}}},
                "/api/catalog/brands": {"get": {"operationId": "brands", "responses": {"200": {"description": "OK"}}}}
                """, """
                "Product": {"type": "object", "properties": {"id": {"type": "integer"}, "sku": {"type": "string"}, "brand": {"type": "string"}}}
                """);

        assertThat(OpenApiContract.breakingChanges(RELEASED, current)).isNull();
    }

    @Test
    void aRemovedEndpointARemovedFieldAndANewRequiredParameterAreNamed() {
        String current = api("""
                "/api/catalog/products/{id}": {"get": {"operationId": "product",
                  "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
                                 {"name": "currency", "in": "query", "required": true, "schema": {"type": "string"}}],
                  "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Product"}}}}}}}
                """, """
                "Product": {"type": "object", "properties": {"id": {"type": "integer"}}}
                """);

        assertThat(OpenApiContract.breakingChanges(RELEASED, current))
                .contains("- GET    /api/catalog/categories", "- GET    /api/catalog/products/{id}", "Add currency in query",
                        "- GET /api/catalog/products/{id} 200: field sku removed");
    }

    private static String api(String paths, String schemas) {
        return """
                {"openapi": "3.0.1", "info": {"title": "catalog", "version": "v1"},
                 "paths": {%s},
                 "components": {"schemas": {%s}}}
                """.formatted(paths, schemas);
    }
}
