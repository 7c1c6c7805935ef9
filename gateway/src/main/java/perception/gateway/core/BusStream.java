package perception.gateway.core;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * One streamed call on the event bus (a generation, a synthesis), both ends. The caller sends a JSON
 * request with {@code id} and {@code stream_to}, a fresh private address it listens on; the
 * producer replies at once (accepted, or a failure: refused before it started), then sends pieces
 * (any body: JSON, Buffer) to {@code stream_to} and ends with {@code {done:{...}}} or
 * {@code {error:{status, type, code, message}}}. Plain JSON and Buffers, so a cluster can carry it.
 * <p>
 * Listener loss: the caller stops listening when it cancels or its client leaves; the producer
 * sends the first piece, and one every {@link #PROBE_NANOS} after, as a request, and the bus
 * answers NO_HANDLERS when nobody listens, so the work stops instead of running on for nobody.
 * <p>
 * Cluster: the request goes through {@link Workers} (this node first, else a worker serving the
 * sense); a producer that names its {@code node} in the acceptance is watched, and the stream ends
 * with a 503 {@code worker_lost} at once when that node leaves. The cancel is published: the
 * producer may sit on any node.
 */
public final class BusStream {
    /** How often a producer checks that its listener is still there. */
    public static final long PROBE_NANOS = 250_000_000L;
    /** Listeners answer probes at once; a slow answer (a loaded machine) is not a loss, only NO_HANDLERS is. */
    private static final DeliveryOptions PROBE = new DeliveryOptions().setSendTimeout(2_000);
    private static final DeliveryOptions ACCEPT = new DeliveryOptions().setSendTimeout(30_000);

    private final Vertx vertx;
    private final String id;
    private final String cancelAddress;
    private final Promise<JsonObject> done = Promise.promise();
    private MessageConsumer<Object> pieces;
    private Future<JsonObject> accepted;
    private boolean finished;
    private Runnable unwatch = () -> { };

    private BusStream(Vertx vertx, String id, String cancelAddress) {
        this.vertx = vertx;
        this.id = id;
        this.cancelAddress = cancelAddress;
    }

    /**
     * Calls {@code service} with {@code request} (id and stream_to are added); each piece goes to
     * {@code onPiece} on the caller's context. {@code cancelAddress}, if not null, is told the id on
     * {@link #cancel} (a producer that has not started yet still learns it).
     */
    public static BusStream call(Vertx vertx, String service, String id, JsonObject request, String cancelAddress, Handler<Object> onPiece) {
        BusStream s = new BusStream(vertx, id, cancelAddress);
        String streamTo = Bus.streamAddress(service);
        s.pieces = vertx.eventBus().consumer(streamTo, m -> {
            if (m.replyAddress() != null) m.reply(null); // a probe: still here
            if (s.finished) return;
            Object body = m.body();
            if (body instanceof JsonObject j && j.containsKey("done")) s.end(Future.succeededFuture(j.getJsonObject("done")));
            else if (body instanceof JsonObject j && j.containsKey("error")) s.end(Future.failedFuture(error(j.getJsonObject("error"))));
            else onPiece.handle(body);
        });
        s.accepted = s.pieces.completion()
                .compose(v -> Workers.<JsonObject>request(vertx, service, request.copy().put("id", id).put("stream_to", streamTo), ACCEPT, false))
                .map(reply -> reply.body())
                .onSuccess(reply -> s.watch(reply.getString("node"), service))
                .onFailure(e -> s.end(Future.failedFuture(e)));
        return s;
    }

    /** The producer's acceptance (its reply); fails with its ReplyException when it refused or is not there. */
    public Future<JsonObject> accepted() {
        return accepted;
    }

    /** The {@code done} object; fails with the refusal (ReplyException) or the producer's error ({@link ApiError}). */
    public Future<JsonObject> result() {
        return done.future();
    }

    public String id() {
        return id;
    }

    /** Stops listening (the producer notices at its next probe) and tells the cancel address; the result stays pending. */
    public void cancel() {
        if (finished) return;
        finished = true;
        if (cancelAddress != null) vertx.eventBus().publish(cancelAddress, id);
        pieces.unregister();
        unwatch.run();
    }

    /** Cluster: ends the stream with a 503 when the producer's node leaves (nothing when not clustered). */
    private void watch(String node, String service) {
        if (finished) return;
        unwatch = Workers.watch(vertx, node, () -> end(Future.failedFuture(ApiError.unavailable("worker_lost",
                "the " + Workers.senseOf(service) + " worker serving this call left the cluster mid-answer; send the request again"))));
    }

    private void end(Future<JsonObject> outcome) {
        if (finished) return;
        finished = true;
        pieces.unregister();
        unwatch.run();
        done.handle(outcome);
    }

    private static ApiError error(JsonObject e) {
        return new ApiError(e.getInteger("status", 500), e.getString("type", "server_error"), e.getString("code", "internal_error"),
                e.getString("message"), null);
    }

    /** The producer's side of one call: sends pieces, notices a lost listener, ends the stream. */
    public static final class Emitter {
        private final EventBus bus;
        private final String streamTo;
        private final Runnable onLost;
        private volatile boolean lost;
        private long lastProbe;

        /** {@code onLost} runs (on an event loop) when nobody listens on stream_to any more. */
        public Emitter(EventBus bus, JsonObject request, Runnable onLost) {
            this.bus = bus;
            this.streamTo = request.getString("stream_to");
            this.onLost = onLost;
        }

        /** Sends one piece; from one thread at a time (the worker producing them). */
        public void piece(Object body) {
            long now = System.nanoTime();
            if (lastProbe != 0 && now - lastProbe < PROBE_NANOS) {
                bus.send(streamTo, body);
                return;
            }
            lastProbe = now;
            bus.request(streamTo, body, PROBE).onFailure(e -> {
                if (e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS && !lost) {
                    lost = true;
                    onLost.run();
                }
            });
        }

        /** Whether the listener is known to be gone. */
        public boolean lost() {
            return lost;
        }

        /** Ends the stream; the future completes once the listener has taken the end (or is known gone). */
        public Future<Void> end(JsonObject result) {
            return last(new JsonObject().put("done", result));
        }

        /** Ends the stream with an error; the future completes once the listener has taken it (or is known gone). */
        public Future<Void> fail(ApiError e) {
            return last(new JsonObject().put("error", new JsonObject().put("status", e.status()).put("type", e.type())
                    .put("code", e.code()).put("message", e.getMessage())));
        }

        /**
         * The last message goes as a request (the listener answers before it handles it) so that a
         * producer that is stopping can wait until its caller was told: Vert.x's close unregisters
         * every consumer, and an end still on its way would be dropped.
         */
        private Future<Void> last(JsonObject body) {
            return bus.request(streamTo, body, PROBE).<Void>mapEmpty().otherwiseEmpty();
        }
    }
}
