package shop.engine.container;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import shop.engine.content.Descriptor;
import shop.engine.image.ContainerConfig;
import shop.engine.image.Image;
import shop.engine.image.ImageConfig;
import shop.engine.image.ImageStore;
import shop.engine.snapshot.Snapshotter;

/**
 * Docker's commit: a container's filesystem changes become one more layer on its image, and its
 * run config (or the one the caller gives) the new image's config, with a history step saying so.
 */
final class Commits {

    private final ImageStore images;
    private final Snapshotter snapshots;

    Commits(ImageStore images, Snapshotter snapshots) {
        this.images = images;
        this.snapshots = snapshots;
    }

    Image commit(Container c, Image base, ContainerService.CommitRequest request) {
        Descriptor layer = snapshots.commitDiff(c.id(), images.content());
        List<Descriptor> layers = new ArrayList<>(base.manifest().layers());
        layers.add(layer);
        ContainerConfig config = request.config() != null ? request.config() : c.config();
        ImageConfig next = base.config().withConfig(config.forImage())
                .withStep(Instant.now().toString(), String.join(" ", c.config().args()), layer.digest());
        next = new ImageConfig(next.created(), request.author() != null ? request.author() : base.config().author(),
                next.architecture(), next.os(), next.config(), next.rootfs(), withComment(next.history(), request.comment()));
        Image image = images.commit(next, layers, Map.of());
        return request.reference() == null ? image : images.tag(image.id(), request.reference());
    }

    /** The last history step, the commit's, carries the caller's comment. */
    private static List<ImageConfig.History> withComment(List<ImageConfig.History> history, String comment) {
        if (comment == null || comment.isEmpty()) {
            return history;
        }
        List<ImageConfig.History> steps = new ArrayList<>(history);
        ImageConfig.History last = steps.remove(steps.size() - 1);
        steps.add(new ImageConfig.History(last.created(), last.createdBy(), comment, last.emptyLayer()));
        return steps;
    }
}
