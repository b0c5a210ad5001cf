package shop.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import shop.engine.content.ContentStore;
import shop.engine.content.Descriptor;
import shop.engine.content.Digest;
import shop.engine.image.MediaTypes;
import shop.engine.support.EngineException;
import shop.engine.support.FileTrees;
import shop.engine.support.HostCommands;

/**
 * {@link Snapshotter} on overlayfs, driven through mount(8) and umount(8).
 *
 * <p>Layout under the root: {@code layers/<chain hex>/} holds one unpacked layer,
 * {@code active/<key>/{upper,work,rootfs}} one read-write mount, and {@code whiteout} the one
 * 0/0 character device every whiteout is a hardlink to. Lower dirs are passed relative to
 * {@code layers/} (mount runs there) because the option string is limited to one page.
 */
public final class OverlaySnapshotter implements Snapshotter {

    /** The last pause before giving up on a busy mount: 50 + 100 + ... + 1600 ms, about 3 s in all. */
    private static final long BUSY_PATIENCE_MS = 1600;

    private final Path layers;
    private final Path active;
    private final SafeTarExtractor extractor;

    public OverlaySnapshotter(Path root) {
        String text = root.toAbsolutePath().toString();
        if (text.contains(",") || text.contains(":")) {
            throw EngineException.invalid("state directory " + root + ": overlayfs options cannot carry ',' or ':'");
        }
        this.layers = root.resolve("layers").toAbsolutePath();
        this.active = root.resolve("active").toAbsolutePath();
        Path whiteout = root.resolve("whiteout").toAbsolutePath();
        try {
            Files.createDirectories(layers);
            Files.createDirectories(active);
        } catch (IOException e) {
            throw EngineException.failed("create snapshot directories under " + root + ": " + e.getMessage(), e);
        }
        if (!Files.exists(whiteout, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            HostCommands.run(List.of("mknod", "-m", "0", whiteout.toString(), "c", "0", "0"), null,
                    "make the whiteout device");
        }
        this.extractor = new SafeTarExtractor(whiteout);
    }

    @Override
    public Path mount(String key, List<Layer> imageLayers) {
        Path dir = keyDir(key);
        if (isMounted(key)) {
            return dir.resolve("rootfs");
        }
        List<String> chain = ChainId.of(imageLayers.stream().map(Layer::diffId).toList());
        List<String> lower = new ArrayList<>();
        for (int i = 0; i < imageLayers.size(); i++) {
            lower.add(0, unpack(chain.get(i), imageLayers.get(i)));
        }
        try {
            Files.createDirectories(dir.resolve("upper"));
            Files.createDirectories(dir.resolve("work"));
            Files.createDirectories(dir.resolve("rootfs"));
            if (lower.isEmpty()) {
                // overlayfs needs a lower dir; an image with no layers gets an empty one.
                Files.createDirectories(dir.resolve("empty"));
                lower.add(dir.resolve("empty").toString());
            }
        } catch (IOException e) {
            throw EngineException.failed("prepare snapshot " + key + ": " + e.getMessage(), e);
        }
        String options = "userxattr,lowerdir=" + String.join(":", lower)
                + ",upperdir=" + dir.resolve("upper") + ",workdir=" + dir.resolve("work");
        HostCommands.run(List.of("mount", "-t", "overlay", "overlay", "-o", options, dir.resolve("rootfs").toString()),
                layers, "mount overlay for " + key);
        return dir.resolve("rootfs");
    }

    /** Unpacks one layer under its chain ID unless an earlier call already did; returns its dir name. */
    private String unpack(String chainId, Layer layer) {
        String name = Digest.hex(chainId);
        Path target = layers.resolve(name);
        if (Files.isDirectory(target)) {
            return name;
        }
        Path temp = null;
        try {
            temp = Files.createTempDirectory(layers, "unpack-");
            try (InputStream in = Files.newInputStream(layer.blob())) {
                extractor.extract(in, temp, "layer " + layer.diffId());
            }
            try {
                Files.move(temp, target);
            } catch (IOException raced) {
                if (!Files.isDirectory(target)) {
                    throw raced;
                }
            }
            return name;
        } catch (IOException e) {
            throw EngineException.failed("unpack layer " + layer.diffId() + ": " + e.getMessage(), e);
        } finally {
            // After a successful move the scratch dir is gone; after a failure or a lost race it is not.
            FileTrees.deleteOrFail(temp, "unpack scratch");
        }
    }

    @Override
    public boolean isMounted(String key) {
        return Mounts.isMountPoint(rootfs(key));
    }

    /**
     * Unmounts, trying again for a few seconds while the mount is busy: a build in CI once found a
     * snapshot it had just copied into still busy for a moment, with no file of its own open there.
     */
    @Override
    public void unmount(String key) {
        for (long pause = 50; isMounted(key); pause *= 2) {
            try {
                HostCommands.run(List.of("umount", rootfs(key).toString()), null, "unmount snapshot " + key);
            } catch (EngineException e) {
                if (pause > BUSY_PATIENCE_MS || !String.valueOf(e.getMessage()).contains("busy")) {
                    throw e;
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    @Override
    public void diff(String key, OutputStream out) {
        try {
            new UpperDirDiff(upper(key)).write(out);
        } catch (IOException | RuntimeException e) {
            throw EngineException.failed("diff snapshot " + key + ": " + e, e);
        }
    }

    @Override
    public Descriptor commitDiff(String key, ContentStore content) {
        // Through a file: the digest is only known once the whole tar is written.
        Path diff = keyDir(key).resolve("diff.tar");
        try {
            try (OutputStream out = Files.newOutputStream(diff)) {
                diff(key, out);
            }
            try (InputStream in = Files.newInputStream(diff)) {
                return content.write(MediaTypes.OCI_LAYER, in, null);
            }
        } catch (IOException e) {
            throw EngineException.failed("commit the changes of snapshot " + key + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(diff);
            } catch (IOException ignored) {
                // Removed with the snapshot.
            }
        }
    }

    @Override
    public List<Change> changes(String key, List<Layer> imageLayers) {
        List<String> chain = ChainId.of(imageLayers.stream().map(Layer::diffId).toList());
        List<Path> lowers = new ArrayList<>();
        chain.forEach(id -> lowers.add(0, layers.resolve(Digest.hex(id))));
        try {
            return new UpperDirChanges(upper(key), lowers).list();
        } catch (IOException e) {
            throw EngineException.failed("changes of snapshot " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void remove(String key) {
        unmount(key);
        FileTrees.deleteOrFail(keyDir(key), "remove snapshot " + key);
    }

    @Override
    public Path rootfs(String key) {
        return keyDir(key).resolve("rootfs");
    }

    @Override
    public Path upper(String key) {
        return keyDir(key).resolve("upper");
    }

    private Path keyDir(String key) {
        if (!key.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw EngineException.invalid("snapshot key \"" + key + "\": letters, digits, '_', '.', '-' only");
        }
        return active.resolve(key);
    }
}
