package shop.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.ChangedOpenApi;
import org.openapitools.openapidiff.core.model.ChangedOperation;
import org.openapitools.openapidiff.core.model.ChangedSchema;
import org.openapitools.openapidiff.core.output.ConsoleRender;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A service's public REST contract: the OpenAPI document it serves ({@code /v3/api-docs}, platform's
 * springdoc set-up) against the one last released, kept in the repository as
 * {@code contracts/released/openapi/<service>.json}. A change that breaks a client (a removed
 * endpoint or response field, a new required parameter, a changed type) fails, each named;
 * additions pass. Releasing records the current document:
 * {@code ./mvnw -pl services/<service> verify -Dshop.contracts.release}.
 */
public final class OpenApiContract {

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private OpenApiContract() {
    }

    /** Fails naming each breaking change of the service's served document against its release. */
    public static void assertKeepsItsRelease(String service, ApiClient client) {
        ApiClient.Response served = client.get("/v3/api-docs");
        if (served.status() != 200) {
            throw new AssertionError(service + " serves no OpenAPI document: " + served.status() + " " + served.body());
        }
        // Where the test's server listened says nothing of the contract.
        String current = JSON.writeValueAsString(((ObjectNode) served.json()).without("servers")) + "\n";
        Path released = releasedFile(service);
        try {
            if (System.getProperty("shop.contracts.release") != null) {
                Files.writeString(released, current, StandardCharsets.UTF_8);
            }
            if (!Files.exists(released)) {
                throw new AssertionError(service + " has no released contract in " + released
                        + "; record it with -Dshop.contracts.release");
            }
            String breaks = breakingChanges(Files.readString(released, StandardCharsets.UTF_8), current);
            if (breaks != null) {
                throw new AssertionError(service + "'s API breaks its release (" + released + "):\n" + breaks);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What breaks a client of {@code released} under {@code current}: openapi-diff's report, and
     * each response field that is gone; null when nothing breaks. openapi-diff counts a removed
     * response field only when it was marked required, which springdoc marks none, and a client
     * reads every field it was promised.
     */
    public static String breakingChanges(String released, String current) {
        ChangedOpenApi diff = OpenApiCompare.fromContents(released, current);
        List<String> removedFields = new ArrayList<>();
        for (ChangedOperation operation : diff.getChangedOperations()) {
            if (operation.getApiResponses() == null) {
                continue;
            }
            operation.getApiResponses().getChanged().forEach((status, response) -> {
                if (response.getContent() != null) {
                    response.getContent().getChanged().forEach((type, media) -> removedFields(
                            operation.getHttpMethod() + " " + operation.getPathUrl() + " " + status + ": field ", "",
                            media.getSchema(), 0, removedFields));
                }
            });
        }
        if (!diff.isIncompatible() && removedFields.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        try (OutputStreamWriter writer = new OutputStreamWriter(report, StandardCharsets.UTF_8)) {
            new ConsoleRender().render(diff, writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder breaks = new StringBuilder(report.toString(StandardCharsets.UTF_8));
        removedFields.forEach(field -> breaks.append("- ").append(field).append(" removed\n"));
        return breaks.toString();
    }

    /** The properties gone from a response schema, through its changed properties and array items (a few levels deep). */
    private static void removedFields(String where, String path, ChangedSchema schema, int depth, List<String> removed) {
        if (schema == null || depth > 10) {
            return;
        }
        schema.getMissingProperties().keySet().forEach(name -> removed.add(where + path + name));
        schema.getChangedProperties().forEach((name, changed) -> removedFields(where, path + name + ".", changed, depth + 1, removed));
        removedFields(where, path + "[].", schema.getItems(), depth + 1, removed);
    }

    /** contracts/released/openapi/SERVICE.json of the repository the test runs in, from a module at any depth. */
    private static Path releasedFile(String service) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path contracts = dir.resolve("contracts/released");
            if (Files.isDirectory(contracts)) {
                return contracts.resolve("openapi").resolve(service + ".json");
            }
        }
        throw new AssertionError("no contracts/released above " + Path.of("").toAbsolutePath());
    }
}
