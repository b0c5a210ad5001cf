package shop.engine.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;
import shop.engine.Engine;
import shop.engine.event.EngineEvents;
import shop.engine.image.Reference;
import shop.engine.registry.Credentials;
import shop.engine.registry.ProgressListener;
import shop.engine.registry.Registry;
import shop.engine.registry.RegistryClient;
import shop.engine.registry.RegistryHosts;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * The Docker API's registry endpoints: {@code POST /images/create} (pull), {@code POST
 * /images/{name}/push} and {@code POST /auth}. Credentials come in {@code X-Registry-Auth}
 * (base64url JSON with username and password, or identitytoken); progress goes out as Docker's
 * JSON stream, where a failure after the first line can only be an error object in the stream.
 */
final class RegistryEndpoints implements Router.Endpoints {

    private final Registry registry;
    private final EngineEvents events;
    private final ImageArchiveEndpoints archives;

    RegistryEndpoints(Engine engine, EngineEvents events, ImageArchiveEndpoints archives) {
        this.registry = RegistryClient.open(engine.images(), engine.state());
        this.events = events;
        this.archives = archives;
    }

    @Override
    public void register(Router router) {
        router.on("POST", "/images/create", call -> {
            if (call.query("fromSrc") != null) {
                // Docker's one endpoint also imports a root filesystem tarball, which is no pull.
                archives.importRootfs(call);
                return;
            }
            String tag = call.query("tag");
            String from = call.required("fromImage");
            Reference ref = Reference.parse(tag == null ? from : from + (tag.startsWith("sha256:") ? "@" : ":") + tag);
            Credentials credentials = credentials(call);
            stream(call, progress -> {
                registry.pull(ref, credentials, progress);
                events.publish("image", "pull", ref.familiar(), Map.of("name", ref.familiar()));
            });
        });
        router.on("POST", "/images/(.+)/push", call -> {
            String tag = call.query("tag");
            Reference ref = Reference.parse(tag == null ? call.path(1) : call.path(1) + ":" + tag);
            Credentials credentials = credentials(call);
            stream(call, progress -> {
                registry.push(ref, credentials, progress);
                events.publish("image", "push", ref.familiar(), Map.of("name", ref.familiar()));
            });
        });
        router.on("POST", "/auth", call -> {
            JsonNode body = call.body();
            Credentials credentials = new Credentials(body.path("username").asText(null), body.path("password").asText(null),
                    Call.emptyToNull(body.path("identitytoken").asText(null)));
            try {
                registry.login(RegistryHosts.domainOf(body.path("serveraddress").asText(null)), credentials);
            } catch (EngineException e) {
                if (e.kind() != EngineException.Kind.INVALID) {
                    throw e;
                }
                call.error(401, e.getMessage());
                return;
            }
            call.json(200, Json.MAPPER.createObjectNode().put("Status", "Login Succeeded").put("IdentityToken", ""));
        });
    }

    private static void stream(Call call, Consumer<ProgressListener> operation) throws java.io.IOException {
        try (OutputStream out = call.stream("application/json")) {
            try {
                operation.accept(new NdjsonProgress(out));
            } catch (EngineException e) {
                JsonLines.error(out, e.getMessage());
            }
        }
    }

    /** X-Registry-Auth: base64url (the docker CLI) or plain base64 (some clients) of JSON; absent or {} means anonymous. */
    private static Credentials credentials(Call call) {
        String header = call.header("X-Registry-Auth");
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
        return new Credentials(Call.emptyToNull(auth.path("username").asText(null)), auth.path("password").asText(null),
                Call.emptyToNull(auth.path("identitytoken").asText(null)));
    }
}
