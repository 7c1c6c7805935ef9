package perception.gateway.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Asynchronous steps run strictly one after another, each starting when the one before has
 * finished, whatever its outcome. A socket's or a session's messages must be handled in order
 * although each takes a trip to a worker pool or across the bus. Not thread-safe: enqueue from one
 * context (the socket's or verticle's event loop) only.
 */
public final class SerialQueue {
    private Future<?> tail = Future.succeededFuture();
    private int pending;

    /**
     * Runs {@code step} after every step enqueued before it; the returned future is the step's own
     * outcome (a step that throws fails it). Its handlers run before the next step starts, with
     * {@link #pending} already down by one, as if they were the step's last lines.
     */
    public <T> Future<T> enqueue(Supplier<? extends Future<T>> step) {
        pending++;
        Promise<T> outcome = Promise.promise();
        tail = tail.transform(previous -> step.get()).transform(r -> {
            pending--;
            outcome.handle(r);
            return Future.succeededFuture();
        });
        return outcome.future();
    }

    /** Steps enqueued and not yet finished (the one running included), for backpressure. */
    public int pending() {
        return pending;
    }
}
