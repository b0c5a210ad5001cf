package shop.engine.client;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.ResponseItem;
import java.util.HashMap;
import java.util.Map;
import shop.engine.registry.ProgressListener;
import shop.engine.registry.ProgressListener.LayerPhase;
import shop.engine.support.EngineException;

/**
 * A pull's or push's progress stream, as the Engine API sends it, replayed on a
 * {@link ProgressListener} as the in-process registry client would have told it: Docker's status
 * words back into layer phases. A layer's last event carries no byte counts, so its size is the
 * total it was moving. Used by the engine's CLI and by fig, so both show transfers alike.
 */
public final class StreamedProgress<T extends ResponseItem> extends ResultCallback.Adapter<T> {

    private final ProgressListener listener;
    private final Map<String, Long> totals = new HashMap<>();
    private volatile String error;

    public StreamedProgress(ProgressListener listener) {
        this.listener = listener;
    }

    @Override
    public void onNext(T item) {
        if (item.isErrorIndicated()) {
            error = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
            return;
        }
        String status = item.getStatus();
        if (status == null) {
            return;
        }
        LayerPhase phase = item.getId() == null ? null : LayerPhase.of(status);
        if (phase == null) {
            listener.status(item.getId(), status);
            return;
        }
        ResponseItem.ProgressDetail detail = item.getProgressDetail();
        long current = detail == null || detail.getCurrent() == null ? 0 : detail.getCurrent();
        long total = detail == null || detail.getTotal() == null ? 0 : detail.getTotal();
        if (total > 0) {
            totals.put(item.getId(), total);
        } else {
            total = totals.getOrDefault(item.getId(), 0L);
        }
        listener.layer(item.getId(), phase, current, total);
    }

    /** Waits for the end of the stream; a failure it reported is thrown. */
    public void done() throws InterruptedException {
        awaitCompletion();
        if (error != null) {
            throw EngineException.failed(error, null);
        }
    }
}
