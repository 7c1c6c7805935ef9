package perception.gateway.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions a sense keeps on the event bus for its clients (a streaming recognition, a turn
 * detector): each gets its own address (prefix + id), its messages are handled in order
 * ({@link SerialQueue}), {@code {close:1}} frees it, and one that hears nothing for
 * {@code idleMs} is closed by one timer: its client vanished without saying so. Client side:
 * {@link BusSession}. Create it on the sense verticle's event loop (the timer runs there).
 */
public final class SessionRegistry<S> {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    /** Handles one message of a session, in order; the future says when the next may start. */
    public interface Handler<S> {
        Future<?> handle(Session<S> session, Message<Object> message);
    }

    private final Vertx vertx;
    private final String prefix;
    private final long idleMs;
    private final Handler<S> handler;
    private final Function<S, Future<?>> release;
    private final Map<String, Session<S>> sessions = new ConcurrentHashMap<>();
    private final long reaper;

    /** release frees a session's state (natives are closed on a worker pool, so it returns a future). */
    public SessionRegistry(Vertx vertx, String prefix, long idleMs, Handler<S> handler, Function<S, Future<?>> release) {
        this.vertx = vertx;
        this.prefix = prefix;
        this.idleMs = idleMs;
        this.handler = handler;
        this.release = release;
        this.reaper = vertx.setPeriodic(Math.max(1, idleMs / 4), t -> reapIdle());
    }

    /** Registers a new session; completes with its address once messages to it are delivered. */
    public Future<String> open(S state) {
        Session<S> s = new Session<>(this, UUID.randomUUID().toString(), state);
        sessions.put(s.id, s);
        s.consumer = vertx.eventBus().consumer(prefix + s.id, m -> s.queue.enqueue(() -> dispatch(s, m)));
        return s.consumer.completion().map(v -> prefix + s.id);
    }

    private Future<?> dispatch(Session<S> s, Message<Object> m) {
        s.lastUsed = System.currentTimeMillis();
        if (!sessions.containsKey(s.id)) {
            m.fail(410, "the session is closed");
            return Future.succeededFuture();
        }
        if (m.body() instanceof JsonObject cmd && cmd.containsKey("close")) {
            return s.close().onComplete(r -> m.reply(new JsonObject().put("closed", true)));
        }
        return handler.handle(s, m);
    }

    public int size() {
        return sessions.size();
    }

    private void reapIdle() {
        long now = System.currentTimeMillis();
        for (Session<S> s : List.copyOf(sessions.values())) {
            if (now - s.lastUsed > idleMs) {
                log.info("closing session {}{}: idle for {} s", prefix, s.id, (now - s.lastUsed) / 1000);
                s.queue.enqueue(s::close);
            }
        }
    }

    /** Stops the reaper and closes every session after the work already queued on it; for a verticle's stop. */
    public Future<Void> closeAll() {
        vertx.cancelTimer(reaper);
        return Future.join(List.copyOf(sessions.values()).stream().map(s -> s.queue.enqueue(s::close)).toList()).mapEmpty();
    }

    /** One session: its state, its address and the queue that keeps its messages in order. */
    public static final class Session<S> {
        private final SessionRegistry<S> registry;
        private final String id;
        private final S state;
        private final SerialQueue queue = new SerialQueue();
        private MessageConsumer<Object> consumer;
        private volatile long lastUsed = System.currentTimeMillis();

        private Session(SessionRegistry<S> registry, String id, S state) {
            this.registry = registry;
            this.id = id;
            this.state = state;
        }

        public S state() {
            return state;
        }

        /** Unregisters it and releases its state; a second call does nothing. */
        public Future<Void> close() {
            if (registry.sessions.remove(id) == null) return Future.succeededFuture();
            return consumer.unregister().eventually(() -> registry.release.apply(state));
        }
    }
}
