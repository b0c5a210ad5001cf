package shop.engine.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a user gives a registry: a username and password, or an identity token (an OAuth2 refresh
 * token that a token endpoint swaps for access tokens), or nothing.
 */
public record Credentials(String username, String password, String identityToken) {

    public static final Credentials ANONYMOUS = new Credentials(null, null, null);

    public static Credentials basic(String username, String password) {
        return new Credentials(username, password, null);
    }

    public boolean hasPassword() {
        return username != null && !username.isEmpty() && password != null;
    }

    public boolean hasIdentityToken() {
        return identityToken != null && !identityToken.isEmpty();
    }

    /** base64 of {@code user:password}: the Basic header's value and config.json's {@code auth}. */
    String encodedPair() {
        return Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + (username == null ? "anonymous" : username) + "]";
    }
}
