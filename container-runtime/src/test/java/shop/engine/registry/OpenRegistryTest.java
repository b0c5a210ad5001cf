package shop.engine.registry;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import shop.engine.Engine;
import shop.engine.TestEngines;

/**
 * What registry test classes share: the engine of the shared test state (with the Debian base
 * image) and one open docker-registry for the class; fresh engines are deleted at the end.
 */
abstract class OpenRegistryTest {

    static final Path WORK = FreshEngines.WORK;
    static Engine engine;
    static LocalRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        engine = TestEngines.open("crun");
        registry = LocalRegistry.start(WORK.resolve("open-" + UUID.randomUUID()), null);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
        engine.containers().close();
        FreshEngines.deleteAll();
    }
}
