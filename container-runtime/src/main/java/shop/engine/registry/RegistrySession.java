package shop.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * One conversation with one registry for one user (a pull, a push or a login).
 *
 * <p>Lifecycle: requests go out anonymously until a 401 brings a {@code WWW-Authenticate}
 * challenge. Basic is answered with the credentials; Bearer by fetching a token from the
 * challenge's realm for the scope it names (with the credentials, or the identity token as an
 * OAuth2 refresh token); the request is then sent once more. From then on every request carries
 * the answer up front, a token per scope, so one 401 is met per session, not per request.
 */
final class RegistrySession {

    private final HttpClient http;
    private final URI base;
    private final String domain;
    private final Credentials credentials;
    private volatile AuthChallenge challenge;
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    RegistrySession(HttpClient http, URI base, String domain, Credentials credentials) {
        this.http = http;
        this.base = base;
        this.domain = domain;
        this.credentials = credentials;
    }

    String domain() {
        return domain;
    }

    /** A path under the registry ({@code /v2/...}), or a Location the registry answered, which may be relative. */
    URI uri(String pathOrLocation) {
        return base.resolve(pathOrLocation);
    }

    /** Redirects a registry may send blob reads through (to its storage); more means a loop. */
    private static final int MAX_REDIRECTS = 5;

    /**
     * {@code scope} is what the request needs, e.g. {@code repository:shop/catalog:pull}; null for
     * {@code /v2/}. Redirects are followed here, not by the HTTP client, so that the registry's
     * Authorization never goes to the storage host it redirects to: storage behind a signed URL
     * (S3, a CDN) refuses a request that carries a second credential.
     */
    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, String scope) {
        HttpResponse<T> response = sendAuthorized(request, body, scope);
        for (int hops = 0; isRedirect(response.statusCode()) && response.headers().firstValue("Location").isPresent(); hops++) {
            if (hops == MAX_REDIRECTS) {
                discard(response);
                throw EngineException.failed(response.request().method() + " " + response.request().uri()
                        + ": more than " + MAX_REDIRECTS + " redirects", null);
            }
            discard(response);
            HttpRequest next = HttpRequest.newBuilder(response.request(), (name, value) -> !name.equalsIgnoreCase("Authorization"))
                    .uri(response.request().uri().resolve(response.headers().firstValue("Location").get())).build();
            response = exchange(next, body);
        }
        return response;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private <T> HttpResponse<T> sendAuthorized(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body, String scope) {
        authorization(scope).ifPresent(a -> request.setHeader("Authorization", a));
        HttpResponse<T> response = exchange(request.build(), body);
        if (response.statusCode() != 401) {
            return response;
        }
        discard(response);
        AuthChallenge offered = AuthChallenge.parse(response.headers().firstValue("WWW-Authenticate").orElse(null))
                .orElseThrow(() -> unauthorized("answered 401 without a WWW-Authenticate challenge"));
        challenge = offered;
        String needed = offered.isBearer() && offered.params().containsKey("scope") ? offered.params().get("scope") : scope;
        String answer = answer(offered, needed);
        if (offered.isBearer() && scope != null) {
            tokens.put(scope, answer);
        }
        request.setHeader("Authorization", answer);
        HttpResponse<T> retried = exchange(request.build(), body);
        if (retried.statusCode() == 401) {
            discard(retried);
            throw unauthorized(credentials.hasPassword() || credentials.hasIdentityToken()
                    ? "refused the credentials of " + who() : "requires credentials (shop-engine login " + domain + ")");
        }
        return retried;
    }

    /** GET /v2/: checks that the registry answers and, when it asks for them, accepts the credentials. */
    void ping() {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/v2/")).GET(), HttpResponse.BodyHandlers.ofByteArray(), null);
        if (response.statusCode() != 200) {
            throw error("GET /v2/", response.statusCode(), response.body());
        }
    }

    private Optional<String> authorization(String scope) {
        AuthChallenge known = challenge;
        if (known == null) {
            return Optional.empty();
        }
        if (known.isBasic()) {
            return credentials.hasPassword() ? Optional.of("Basic " + credentials.encodedPair()) : Optional.empty();
        }
        if (known.isBearer() && scope != null) {
            return Optional.of(tokens.computeIfAbsent(scope, s -> answer(known, s)));
        }
        return Optional.empty();
    }

    private String answer(AuthChallenge offered, String scope) {
        if (offered.isBasic()) {
            if (!credentials.hasPassword()) {
                throw unauthorized("requires credentials (shop-engine login " + domain + ")");
            }
            return "Basic " + credentials.encodedPair();
        }
        if (offered.isBearer()) {
            return "Bearer " + token(offered, scope);
        }
        throw unauthorized("asks for the unsupported auth scheme " + offered.scheme());
    }

    /** The token flow of distribution's docs/spec/auth/token.md (GET), or its OAuth2 form when we hold an identity token (POST). */
    private String token(AuthChallenge offered, String scope) {
        String realm = offered.params().get("realm");
        if (realm == null || realm.isEmpty()) {
            throw unauthorized("sent a Bearer challenge without a realm");
        }
        List<String> params = new ArrayList<>();
        String service = offered.params().get("service");
        if (service != null) {
            params.add("service=" + encode(service));
        }
        if (scope != null) {
            for (String s : scope.split(" ")) {
                params.add("scope=" + encode(s));
            }
        }
        HttpRequest.Builder request;
        if (credentials.hasIdentityToken()) {
            params.add("grant_type=refresh_token");
            params.add("refresh_token=" + encode(credentials.identityToken()));
            params.add("client_id=shop-engine");
            request = HttpRequest.newBuilder(URI.create(realm))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(String.join("&", params)));
        } else {
            request = HttpRequest.newBuilder(URI.create(realm + (realm.contains("?") ? "&" : "?") + String.join("&", params))).GET();
            if (credentials.hasPassword()) {
                request.header("Authorization", "Basic " + credentials.encodedPair());
            }
        }
        HttpResponse<byte[]> response = exchange(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw EngineException.invalid("unauthorized: the token service " + realm + " refused " + who());
        }
        if (response.statusCode() / 100 != 2) {
            throw EngineException.failed("get a token from " + realm + ": HTTP " + response.statusCode(), null);
        }
        JsonNode json = Json.read(response.body(), JsonNode.class, "token from " + realm);
        String token = json.path("token").asText(json.path("access_token").asText(""));
        if (token.isEmpty()) {
            throw EngineException.failed("get a token from " + realm + ": the answer has neither token nor access_token", null);
        }
        return token;
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request, body);
        } catch (IOException e) {
            throw EngineException.failed(request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EngineException.failed(request.method() + " " + request.uri() + ": interrupted", e);
        }
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException ignored) {
                // The body of a refused request carries nothing we need.
            }
        }
    }

    private String who() {
        return credentials.hasPassword() ? "user " + credentials.username() : credentials.hasIdentityToken() ? "the identity token" : "anonymous access";
    }

    private EngineException unauthorized(String why) {
        return EngineException.invalid("unauthorized: registry " + domain + " " + why);
    }

    /** A registry's error answer as an engine error: its {@code errors[0]} code and message, and the HTTP status. */
    EngineException error(String what, int status, byte[] body) {
        String detail = "HTTP " + status;
        try {
            JsonNode first = Json.MAPPER.readTree(body == null ? new byte[0] : body).path("errors").path(0);
            if (!first.isMissingNode()) {
                detail = first.path("code").asText() + ": " + first.path("message").asText() + " (HTTP " + status + ")";
            }
        } catch (IOException notJson) {
            // Proxies answer in HTML; the status says enough.
        }
        String message = what + " at " + domain + ": " + detail;
        return switch (status) {
            case 404 -> EngineException.notFound(message);
            case 400, 401, 403, 405 -> EngineException.invalid(message);
            default -> EngineException.failed(message, null);
        };
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
