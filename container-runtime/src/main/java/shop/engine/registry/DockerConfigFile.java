package shop.engine.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import shop.engine.image.Reference;
import shop.engine.support.EngineException;
import shop.engine.support.Json;

/**
 * The docker CLI's credentials file ({@code $DOCKER_CONFIG/config.json}, default
 * {@code ~/.docker/config.json}): {@code auths.<host>.auth} is base64 of {@code user:password};
 * {@code identitytoken} may stand beside it. Other keys are kept as they are when we write.
 */
public final class DockerConfigFile {

    /** The key the docker CLI uses for Docker Hub. */
    private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

    private final Path file;

    public DockerConfigFile(Path file) {
        this.file = file;
    }

    public static DockerConfigFile fromEnvironment() {
        String dir = System.getenv("DOCKER_CONFIG");
        return new DockerConfigFile((dir != null && !dir.isEmpty() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".docker")).resolve("config.json"));
    }

    public Path file() {
        return file;
    }

    /** The credentials stored for a registry domain, or anonymous. */
    public Credentials find(String domain) {
        JsonNode auths = read().path("auths");
        for (String key : keys(domain)) {
            JsonNode entry = auths.get(key);
            if (entry != null) {
                return decode(domain, entry);
            }
        }
        return Credentials.ANONYMOUS;
    }

    public void save(String domain, Credentials credentials) {
        ObjectNode root = read();
        ObjectNode auths = root.has("auths") && root.get("auths").isObject()
                ? (ObjectNode) root.get("auths") : root.putObject("auths");
        ObjectNode entry = auths.putObject(keys(domain).get(0));
        if (credentials.hasPassword()) {
            entry.put("auth", credentials.encodedPair());
        }
        if (credentials.hasIdentityToken()) {
            entry.put("identitytoken", credentials.identityToken());
        }
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "config", ".json",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(temp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw EngineException.failed("write credentials to " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> keys(String domain) {
        return domain.equals(Reference.DEFAULT_DOMAIN)
                ? List.of(DOCKER_HUB_KEY, "index.docker.io", Reference.DEFAULT_DOMAIN)
                : List.of(domain, "https://" + domain, "http://" + domain);
    }

    private Credentials decode(String domain, JsonNode entry) {
        String token = entry.path("identitytoken").asText(null);
        String auth = entry.path("auth").asText("");
        if (auth.isEmpty()) {
            return new Credentials(null, null, token);
        }
        String pair;
        try {
            pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw EngineException.invalid(file + ": auths." + domain + ".auth is not base64");
        }
        int colon = pair.indexOf(':');
        if (colon < 0) {
            throw EngineException.invalid(file + ": auths." + domain + ".auth is not user:password");
        }
        return new Credentials(pair.substring(0, colon), pair.substring(colon + 1), token);
    }

    private ObjectNode read() {
        if (!Files.exists(file)) {
            return Json.MAPPER.createObjectNode();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(Files.readAllBytes(file));
            if (node == null || !node.isObject()) {
                throw EngineException.invalid(file + ": not a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw EngineException.invalid("read " + file + ": " + e.getMessage());
        }
    }
}
