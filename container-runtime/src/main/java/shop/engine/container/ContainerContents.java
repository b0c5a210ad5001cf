package shop.engine.container;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import shop.engine.image.BaseImages;
import shop.engine.image.Image;
import shop.engine.snapshot.Change;
import shop.engine.snapshot.Layer;
import shop.engine.snapshot.Snapshotter;
import shop.engine.task.Tasks;

/**
 * What a container's filesystem holds, as clients read and write it: its root filesystem (the
 * task's snapshot over its image's layers, mounted again if a reboot took the mount away), its
 * changes against the image, an export, stat and copies in and out through its mounts
 * ({@link ContainerFiles}), and a commit of its changes as an image ({@link Commits}).
 */
final class ContainerContents {

    /** The files the engine binds into every container. */
    private static final List<String> ENGINE_FILES = List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf");

    private final ContainerRecords records;
    private final ContainerExits exits;
    private final BaseImages images;
    private final Snapshotter snapshots;
    private final Tasks tasks;
    private final Volumes volumes;
    private final ContainerEvents events;

    ContainerContents(ContainerRecords records, ContainerExits exits, BaseImages images, Snapshotter snapshots, Tasks tasks,
                      Volumes volumes, ContainerEvents events) {
        this.records = records;
        this.exits = exits;
        this.images = images;
        this.snapshots = snapshots;
        this.tasks = tasks;
        this.volumes = volumes;
        this.events = events;
    }

    List<Layer> layers(Image image) {
        return Layer.of(image, images.store().content());
    }

    /** The container's root filesystem, mounted again if a reboot (or anything else) took the mount away. */
    Path rootfs(Container c) {
        return tasks.mount(c.id(), layers(images.store().resolve(c.imageId())));
    }

    private ContainerFiles files(Container c) {
        return ContainerFiles.of(exits.refresh(c), rootfs(c), volumes);
    }

    List<Change> changes(String idOrName) {
        Container c = records.find(idOrName);
        rootfs(c);
        // The runtime makes the mount points of the engine's own /etc files when the image has none:
        // not the container's doing, so not its changes (Docker keeps them in a layer of their own).
        return snapshots.changes(c.id(), layers(images.store().resolve(c.imageId()))).stream()
                .filter(change -> !(change.kind() == Change.ADDED && ENGINE_FILES.contains(change.path())))
                .toList();
    }

    void export(String idOrName, OutputStream tar) {
        Container c = records.find(idOrName);
        files(c).export(tar);
        events.publish(c, "export");
    }

    ContainerService.PathStat stat(String idOrName, String path) {
        return files(records.find(idOrName)).stat(path);
    }

    void copyOut(String idOrName, String path, OutputStream tar) {
        Container c = records.find(idOrName);
        files(c).copyOut(path, tar);
        events.publish(c, "archive-path");
    }

    void copyIn(String idOrName, String path, InputStream tar, boolean noOverwriteDirNonDir) {
        Container c = records.find(idOrName);
        files(c).copyIn(path, tar, noOverwriteDirNonDir, records.dir(c.id()).resolve("archive.tar"));
        events.publish(c, "extract-to-dir");
    }

    /** The container's changes as a new image; a running container is frozen meanwhile when the request asks. */
    Image commit(String idOrName, ContainerService.CommitRequest request) {
        Container c = exits.refresh(records.find(idOrName));
        boolean freeze = request.pause() && c.state().running() && !c.state().paused();
        if (freeze) {
            tasks.pause(c.id());
        }
        Image image;
        try {
            image = new Commits(images.store(), snapshots).commit(c, images.store().resolve(c.imageId()), request);
        } finally {
            if (freeze) {
                tasks.resume(c.id());
            }
        }
        events.publish(c, "commit", Map.of("comment", request.comment() == null ? "" : request.comment()));
        return image;
    }
}
