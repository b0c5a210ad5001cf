package shop.engine.registry;

import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;

/**
 * A request body that reports how many of its bytes have gone out, every {@link #STEP} bytes and
 * at the end, for push progress: the JDK's body publishers tell nothing while they send. A retried
 * request subscribes again and counts from zero.
 */
final class CountingBody implements HttpRequest.BodyPublisher {

    private static final long STEP = 512 << 10;

    private final HttpRequest.BodyPublisher body;
    private final LongConsumer sent;

    CountingBody(HttpRequest.BodyPublisher body, LongConsumer sent) {
        this.body = body;
        this.sent = sent;
    }

    @Override
    public long contentLength() {
        return body.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        body.subscribe(new Flow.Subscriber<ByteBuffer>() {
            private long total;
            private long reported;

            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                total += item.remaining();
                subscriber.onNext(item);
                if (total - reported >= STEP) {
                    reported = total;
                    sent.accept(total);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                sent.accept(total);
                subscriber.onComplete();
            }
        });
    }
}
