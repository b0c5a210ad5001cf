package shop.engine.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import shop.engine.support.Json;

/**
 * The token endpoint of distribution's token auth (docs/spec/auth/token.md), for a registry
 * configured with {@code auth: token:}: it signs RS256 JWTs with a key whose self-signed
 * certificate (made by keytool) is the registry's {@code rootcertbundle}, the certificate going
 * in the JWT's {@code x5c} header. Users with the right password, or the identity token
 * {@link #REFRESH_TOKEN}, get the actions they ask for; anonymous callers get a token that grants nothing. It records every scope it was asked for.
 */
final class TokenServer implements AutoCloseable {

    static final String SERVICE = "it-registry";
    static final String ISSUER = "it-token-issuer";
    /** The identity token this server knows, as a registry's OAuth2 refresh token. */
    static final String REFRESH_TOKEN = "it-refresh-token";

    final Path certificatePem;
    final List<String> scopesAsked = new CopyOnWriteArrayList<>();
    private final String user;
    private final String password;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final HttpServer server;

    TokenServer(Path dir, String user, String password) throws Exception {
        this.user = user;
        this.password = password;
        Files.createDirectories(dir);
        Path keystore = dir.resolve("token.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-dname", "CN=" + ISSUER, "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool: " + out);
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore.toFile())) {
            store.load(in, "changeit".toCharArray());
        }
        key = (PrivateKey) store.getKey("token", "changeit".toCharArray());
        certificate = (X509Certificate) store.getCertificate("token");
        certificatePem = dir.resolve("token.pem");
        Files.writeString(certificatePem, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.start();
    }

    String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry's {@code auth:} section for this token server. */
    String authConfig() {
        return "token:\n  realm: " + realm() + "\n  service: " + SERVICE + "\n  issuer: " + ISSUER
                + "\n  rootcertbundle: " + certificatePem + "\n";
    }

    private void token(HttpExchange exchange) throws IOException {
        try {
            // GET with Basic credentials (the token flow), or POST of an OAuth2 refresh_token grant (identity tokens).
            boolean post = exchange.getRequestMethod().equals("POST");
            String form = post ? new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)
                    : exchange.getRequestURI().getRawQuery();
            List<String> scopes = new ArrayList<>();
            String refreshToken = null;
            for (String pair : form == null ? new String[0] : form.split("&")) {
                String value = URLDecoder.decode(pair.substring(pair.indexOf('=') + 1), StandardCharsets.UTF_8);
                if (pair.startsWith("scope=")) {
                    scopes.add(value);
                } else if (pair.startsWith("refresh_token=")) {
                    refreshToken = value;
                }
            }
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            boolean authenticated = post ? REFRESH_TOKEN.equals(refreshToken) : authorization != null;
            if ((post && !authenticated) || (!post && authorization != null && !authorization.equals(expected))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            scopesAsked.addAll(scopes);
            byte[] body = Json.bytes(Json.MAPPER.createObjectNode().put("token", jwt(authenticated, scopes))
                    .put("expires_in", 300));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (Exception e) {
            exchange.sendResponseHeaders(500, -1);
        } finally {
            exchange.close();
        }
    }

    private String jwt(boolean authenticated, List<String> scopes) throws Exception {
        ObjectNode header = Json.MAPPER.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        header.putArray("x5c").add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = Json.MAPPER.createObjectNode().put("iss", ISSUER).put("sub", authenticated ? user : "")
                .put("aud", SERVICE).put("exp", now + 300).put("nbf", now - 10).put("iat", now)
                .put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        if (authenticated) {
            for (String scope : scopes) {
                String[] parts = scope.split(":");
                ObjectNode entry = access.addObject().put("type", parts[0]).put("name", parts[1]);
                for (String action : parts[2].split(",")) {
                    entry.withArray("actions").add(action);
                }
            }
        }
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        String signingInput = url.encodeToString(Json.bytes(header)) + "." + url.encodeToString(Json.bytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + url.encodeToString(rsa.sign());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
