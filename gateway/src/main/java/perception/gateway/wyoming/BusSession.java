package perception.gateway.wyoming;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import perception.gateway.core.ApiError;

/**
 * A session the speech verticle keeps on the event bus for one audio stream: a streaming
 * recognition ({@code SpeechVerticle.STREAM_OPEN}) or a turn detector ({@code Bus.TURNS_OPEN}).
 * Both are opened with a JSON request that replies {address}, then take PCM16LE Buffers and JSON
 * commands at that address, and are freed with {close:1}. Opened lazily on the first message;
 * {@link #close} is safe at any time, also while the open request is still under way.
 */
final class BusSession {
    private static final DeliveryOptions TIMEOUT = new DeliveryOptions().setSendTimeout(60_000);

    private final Vertx vertx;
    private final String openAddress;
    private final JsonObject openRequest;
    private Future<String> address;
    private boolean closed;

    BusSession(Vertx vertx, String openAddress, JsonObject openRequest) {
        this.vertx = vertx;
        this.openAddress = openAddress;
        this.openRequest = openRequest;
    }

    boolean opened() {
        return address != null;
    }

    /** Sends a Buffer of audio or a JSON command; the reply's body. */
    Future<JsonObject> request(Object body) {
        if (closed) return Future.failedFuture(new IllegalStateException("the speech session is closed"));
        if (address == null) {
            address = perception.gateway.core.Workers.<JsonObject>request(vertx, openAddress, openRequest, TIMEOUT, true)
                    .map(reply -> reply.body().getString("address"));
        }
        return address.compose(a -> vertx.eventBus().<JsonObject>request(a, body, TIMEOUT)).map(Message::body);
    }

    /** Frees the session on the speech verticle (it may already be gone: eof closes it, idle ones are reaped). */
    void close() {
        if (closed) return;
        closed = true;
        if (address != null) {
            address.onSuccess(a -> vertx.eventBus().request(a, new JsonObject().put("close", 1)).onFailure(e -> { }));
        }
    }

    /** The error a client gets for a failed speech request on the bus ({@code what}: "speech recognition", ...). */
    static ApiError toApiError(Throwable e, String what) {
        if (e instanceof ApiError a) return a;
        if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
            return ApiError.unavailable("speech_unavailable", "speech models are not loaded: check /ready, or start with speech=true");
        }
        if (e instanceof ReplyException r && r.failureType() == ReplyFailure.TIMEOUT) {
            return ApiError.unavailable("speech_timeout", what + " took too long; try again");
        }
        if (e instanceof ReplyException r && r.failureCode() == 400) return ApiError.badRequest("invalid_request", r.getMessage());
        return ApiError.internal(what + " failed: " + e.getMessage());
    }
}
