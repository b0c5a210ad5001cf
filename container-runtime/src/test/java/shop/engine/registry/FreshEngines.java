package shop.engine.registry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import shop.engine.Engine;
import shop.engine.support.FileTrees;

/**
 * Engines with empty state directories under target/registry-it, the "other machine" a pull
 * lands on; each test class deletes the ones it made when it ends, since every one holds pulled
 * images (the Debian base is 128 MB) and their unpacked layers.
 */
final class FreshEngines {

    static final Path WORK = Path.of("target/registry-it").toAbsolutePath();
    private static final List<Engine> made = new ArrayList<>();

    private FreshEngines() {
    }

    static synchronized Engine open() {
        Engine engine = Engine.open(WORK.resolve("engine-" + UUID.randomUUID()), "crun");
        made.add(engine);
        return engine;
    }

    static synchronized void deleteAll() {
        for (Engine engine : made) {
            engine.containers().close();
            FileTrees.deleteOrFail(engine.state(), "fresh engine state");
        }
        made.clear();
    }
}
