package perception.gateway.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The caller's side of a session a sense keeps on the event bus ({@link SessionRegistry}): a
 * streaming recognition ({@code SpeechFeature.TRANSCRIBE_STREAM_OPEN}) or a turn detector
 * ({@code SpeechFeature.TURNS_OPEN}). Opened lazily with a JSON request that replies {address}, then fed
 * PCM16LE Buffers and JSON commands at that address, and freed with {close:1}. {@link #close} is
 * safe at any time, also while the open request is still under way. The open request goes through
 * {@link Workers} (on a cluster: this node or a worker serving the sense; retried once on another
 * worker, opening is idempotent); the session's address is cluster-wide.
 */
public final class BusSession {
    private static final DeliveryOptions TIMEOUT = new DeliveryOptions().setSendTimeout(60_000);

    private final Vertx vertx;
    private final String openAddress;
    private final JsonObject openRequest;
    private Future<String> address;
    private boolean closed;

    public BusSession(Vertx vertx, String openAddress, JsonObject openRequest) {
        this.vertx = vertx;
        this.openAddress = openAddress;
        this.openRequest = openRequest;
    }

    /** Whether the open request was sent (there may be a session to finish or free). */
    public boolean opened() {
        return address != null;
    }

    /** Sends a Buffer of audio or a JSON command; the reply's body. */
    public Future<JsonObject> request(Object body) {
        if (closed) return Future.failedFuture(ApiError.unavailable("session_closed", "the speech session is closed"));
        if (address == null) {
            address = Workers.<JsonObject>request(vertx, openAddress, openRequest, TIMEOUT, true)
                    .map(reply -> reply.body().getString("address"));
        }
        return address.compose(a -> vertx.eventBus().<JsonObject>request(a, body, TIMEOUT)).map(Message::body);
    }

    /**
     * Frees the session on the sense (it may already be gone: eof closes it, idle ones are reaped);
     * completes when the sense has answered, or at once when there was none.
     */
    public Future<Void> close() {
        if (closed || address == null) {
            closed = true;
            return Future.succeededFuture();
        }
        closed = true;
        return address.compose(a -> vertx.eventBus().request(a, new JsonObject().put("close", 1)))
                .<Void>mapEmpty().recover(e -> Future.succeededFuture());
    }

    /** The session ended on the sense's side (it answered eof and closed itself): nothing left to free. */
    public void ended() {
        closed = true;
    }
}
