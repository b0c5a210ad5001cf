package shop.engine.registry;

import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import shop.engine.image.Reference;
import shop.engine.support.EngineException;

/**
 * Where a registry domain is reached: https, except plain http for insecure registries, which
 * are localhost and 127.0.0.1 (any port) plus those named in {@code SHOP_ENGINE_INSECURE_REGISTRIES}
 * (comma-separated {@code host[:port]}), as dockerd's {@code insecure-registries}.
 */
public record RegistryHosts(Set<String> insecure) {

    /** Docker Hub's name in references, and the host that serves its API. */
    private static final String DOCKER_HUB_API = "registry-1.docker.io";

    public static RegistryHosts fromEnvironment() {
        String env = System.getenv("SHOP_ENGINE_INSECURE_REGISTRIES");
        return new RegistryHosts(env == null ? Set.of() : Arrays.stream(env.split(","))
                .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()));
    }

    /** A registry as users name it to login: host[:port], maybe as a URL; null or any Docker Hub name is docker.io. */
    public static String domainOf(String server) {
        if (server == null || server.isBlank()) {
            return Reference.DEFAULT_DOMAIN;
        }
        String host = server.strip().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
        if (host.isEmpty()) {
            throw EngineException.invalid("bad registry address \"" + server + "\"");
        }
        return host.equals("index.docker.io") || host.equals(Reference.DEFAULT_DOMAIN) ? Reference.DEFAULT_DOMAIN : host;
    }

    public boolean isInsecure(String domain) {
        String host = hostOf(domain);
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                || insecure.contains(domain) || insecure.contains(host);
    }

    /** The registry's base URI, e.g. {@code https://registry-1.docker.io} or {@code http://127.0.0.1:5000}. */
    public URI base(String domain) {
        String host = domain.equals(Reference.DEFAULT_DOMAIN) ? DOCKER_HUB_API : domain;
        return URI.create((isInsecure(domain) ? "http://" : "https://") + host);
    }

    private static String hostOf(String domain) {
        int colon = domain.lastIndexOf(':');
        return colon > domain.lastIndexOf(']') ? domain.substring(0, colon) : domain;
    }
}
