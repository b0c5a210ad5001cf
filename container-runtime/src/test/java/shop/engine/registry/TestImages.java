package shop.engine.registry;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import shop.engine.TestTars;
import shop.engine.content.Descriptor;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.ImageStore;
import shop.engine.image.MediaTypes;

/** Small images with several layers of random bytes, so every run's blobs are new to a registry. */
final class TestImages {

    private TestImages() {
    }

    static Image layered(ImageStore images, String name, int layers, int bytesPerLayer) {
        SecureRandom random = new SecureRandom();
        String now = Instant.now().toString();
        ImageConfig config = ImageConfig.empty(now);
        List<Descriptor> written = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            byte[] data = new byte[bytesPerLayer];
            random.nextBytes(data);
            Descriptor layer = images.content().write(MediaTypes.OCI_LAYER, new TestTars().file("layer" + i + ".bin", data, 0644).bytes());
            written.add(layer);
            config = config.withStep(now, "layer " + i, layer.digest());
        }
        Image image = images.commit(config, written, Map.of());
        return images.tag(image.id(), name);
    }
}
