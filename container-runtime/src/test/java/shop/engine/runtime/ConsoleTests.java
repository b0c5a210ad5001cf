package shop.engine.runtime;

import java.util.List;
import java.util.Map;
import shop.engine.Engine;
import shop.engine.TestEngines;
import shop.engine.container.Container;
import shop.engine.container.ContainerService;
import shop.engine.image.BaseImages;
import shop.engine.image.ContainerConfig;

/** What the console tests share: the PATH their processes get, the container they run in. */
final class ConsoleTests {

    static final List<String> PATH = List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private ConsoleTests() {
    }

    /** A container of the Debian base running {@code cmd}, with no network but loopback; created, not started. */
    static Container createContainer(Engine engine, String... cmd) {
        return engine.containers().create(new ContainerService.CreateRequest(null, BaseImages.DEBIAN,
                ContainerConfig.EMPTY.withCmd(List.of(cmd)),
                TestEngines.hostConfig(Map.of("NetworkMode", "none"))));
    }
}
