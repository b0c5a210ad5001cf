package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import shop.engine.Engine;
import shop.engine.EngineException;
import shop.engine.Json;
import shop.engine.image.Reference;
import shop.engine.registry.Credentials;
import shop.engine.registry.ProgressListener;
import shop.engine.registry.Registry;
import shop.engine.registry.RegistryClient;
import shop.engine.registry.RegistryHosts;

/**
 * The Docker API's registry endpoints: {@code POST /images/create} (pull), {@code POST
 * /images/{name}/push} and {@code POST /auth}. Credentials come in {@code X-Registry-Auth}
 * (base64url JSON with username and password, or identitytoken); progress goes out as Docker's
 * JSON stream, where a failure after the first line can only be an error object in the stream.
 */
final class RegistryEndpoints {

    private final Registry registry;

    RegistryEndpoints(Engine engine) {
        this.registry = RegistryClient.open(engine.images(), engine.state());
    }

    void register(ApiHandler api, ImageArchiveEndpoints archives) {
        api.on("POST", "/images/create", (m, rq, rs, q) -> {
            if (q.getValue("fromSrc") != null) {
                // Docker's one endpoint also imports a root filesystem tarball, which is no pull.
                archives.importRootfs(rq, rs, q);
                return;
            }
            String tag = q.getValue("tag");
            String from = ApiHandler.required(q, "fromImage");
            Reference ref = Reference.parse(tag == null || tag.isEmpty() ? from
                    : from + (tag.startsWith("sha256:") ? "@" : ":") + tag);
            Credentials credentials = credentials(rq);
            stream(rs, progress -> registry.pull(ref, credentials, progress));
        });
        api.on("POST", "/images/(.+)/push", (m, rq, rs, q) -> {
            String tag = q.getValue("tag");
            Reference ref = Reference.parse(tag == null || tag.isEmpty() ? m.group(1) : m.group(1) + ":" + tag);
            Credentials credentials = credentials(rq);
            stream(rs, progress -> registry.push(ref, credentials, progress));
        });
        api.on("POST", "/auth", (m, rq, rs, q) -> {
            JsonNode body = ApiHandler.body(rq);
            Credentials credentials = new Credentials(body.path("username").asText(null), body.path("password").asText(null),
                    ApiHandler.emptyToNull(body.path("identitytoken").asText(null)));
            try {
                registry.login(RegistryHosts.domainOf(body.path("serveraddress").asText(null)), credentials);
            } catch (EngineException e) {
                if (e.kind() != EngineException.Kind.INVALID) {
                    throw e;
                }
                ApiHandler.error(rs, 401, e.getMessage());
                return;
            }
            ApiHandler.json(rs, 200, Json.MAPPER.createObjectNode().put("Status", "Login Succeeded").put("IdentityToken", ""));
        });
    }

    private static void stream(Response response, Consumer<ProgressListener> operation) throws java.io.IOException {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            try {
                operation.accept(new NdjsonProgress(out));
            } catch (EngineException e) {
                ApiHandler.streamError(out, e.getMessage());
            }
        }
    }

    /** X-Registry-Auth: base64url (the docker CLI) or plain base64 (some clients) of JSON; absent or {} means anonymous. */
    private static Credentials credentials(Request request) {
        String header = request.getHeaders().get("X-Registry-Auth");
        if (header == null || header.isBlank()) {
            return Credentials.ANONYMOUS;
        }
        JsonNode auth;
        try {
            byte[] json = header.contains("+") || header.contains("/") ? Base64.getDecoder().decode(header.strip())
                    : Base64.getUrlDecoder().decode(header.strip());
            auth = Json.MAPPER.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw EngineException.invalid("X-Registry-Auth is not base64-encoded JSON: " + e.getMessage());
        }
        if (auth == null || auth.isNull() || auth.isMissingNode()) {
            // docker-java sends the encoding of "null" when it has no credentials.
            return Credentials.ANONYMOUS;
        }
        if (!auth.isObject()) {
            throw EngineException.invalid("X-Registry-Auth is not a JSON object");
        }
        return new Credentials(ApiHandler.emptyToNull(auth.path("username").asText(null)), auth.path("password").asText(null),
                ApiHandler.emptyToNull(auth.path("identitytoken").asText(null)));
    }
}
