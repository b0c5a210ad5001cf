package shop.engine.fig;

import java.nio.file.Path;
import java.util.List;

/**
 * A stack as {@link Stack} runs it: its name (the prefix of every container, network and volume
 * it makes), its services in start order (dependencies first), and its networks and volumes by
 * their short names. The directory and the files it was read from go on every container as
 * docker-compose labels them.
 */
public record ProjectSpec(String name, List<ServiceSpec> services, List<String> networks, List<String> volumes,
                          Path workingDir, List<String> configFiles) {

    public ServiceSpec service(String name) {
        return services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new FigException("no such service: " + name));
    }
}
