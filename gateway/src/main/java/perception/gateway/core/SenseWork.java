package perception.gateway.core;

import io.vertx.core.Future;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A sense's blocking work and the closing of its models, kept apart. Work runs on the sense's named
 * pool through {@link GatewayContext#run} (counted, so a full pool refuses new work) holding a
 * shared lock; {@link #close} takes the lock alone on another pool, so it waits for the work in
 * flight and never runs on an event loop: a native model (Vosk, ONNX Runtime) closed under a
 * running job crashes the JVM, and a close on the event loop stalls Vert.x's own shutdown. Work
 * that comes after the close fails with {@link BusErrors.StoppingException} (a 503).
 */
public final class SenseWork {
    /** Closing code that may throw (native close methods declare checked exceptions). */
    public interface Closer {
        void close() throws Exception;
    }

    private final GatewayContext context;
    private final String sense;
    private final String pool;
    private final ReadWriteLock inUse = new ReentrantReadWriteLock();
    private volatile boolean closed;

    public SenseWork(GatewayContext context, String sense, String pool) {
        this.context = context;
        this.sense = sense;
        this.pool = pool;
    }

    /** Runs work on the sense's pool, unless its models are closed or being closed. */
    public <T> Future<T> run(Callable<T> work) {
        return context.run(pool, () -> {
            inUse.readLock().lock();
            try {
                if (closed) throw new BusErrors.StoppingException(sense);
                return work.call();
            } finally {
                inUse.readLock().unlock();
            }
        });
    }

    /** Closes the models once no work holds them; later work is refused. */
    public Future<Void> close(Closer closer) {
        return context.run("model-loading", () -> {
            inUse.writeLock().lock();
            try {
                closed = true;
                closer.close();
            } finally {
                inUse.writeLock().unlock();
            }
            return null;
        });
    }
}
