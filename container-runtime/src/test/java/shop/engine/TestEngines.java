package shop.engine;

import java.nio.file.Path;
import shop.engine.image.BaseImages;

/**
 * Engines over one state directory under target/, shared by the integration tests so the
 * debian base image is imported and unpacked once per build. Needs root, crun, runc and the
 * debootstrap tarball that ci-prereqs.sh makes.
 */
public final class TestEngines {

    public static final Path STATE = Path.of("target/engine-it").toAbsolutePath();

    private TestEngines() {
    }

    public static Engine open(String runtime) {
        Engine engine = Engine.open(STATE, runtime);
        engine.baseImages().resolve(BaseImages.DEBIAN);
        return engine;
    }
}
