package perception.gateway.core;

import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every WebSocket of the gateway gets, whatever its protocol, so that one client cannot hold
 * memory or a connection without bound:
 * <ul>
 * <li>a frame or message over the caps (ws_max_frame_kb, ws_max_message_mb) closes with 1009 and
 *     an error message, instead of being dropped silently;
 * <li>backpressure: when the output queued for the client passes ws_max_queued_kb the socket stops
 *     reading; when it drains, reading resumes; a client that reads nothing for slow_consumer_s is
 *     closed with 1008;
 * <li>a ping every third of idle_timeout_s: live clients answer with a pong, which counts as
 *     traffic, so only a vanished client trips the server's idle timeout.
 * </ul>
 * The protocol classes call {@link #wrote()} after each write. Everything runs on the socket's
 * event loop.
 */
public final class SocketGuard {
    private static final Logger log = LoggerFactory.getLogger(SocketGuard.class);
    public static final short POLICY = 1008;
    public static final short TOO_BIG = 1009;

    private final ServerWebSocket ws;
    private final Vertx vertx;
    private final long slowMillis;
    private final long pinger;
    private long slowTimer = -1;
    private boolean paused;
    private Runnable onDrain;

    private SocketGuard(GatewayContext context, ServerWebSocket ws) {
        this.ws = ws;
        this.vertx = context.vertx();
        GatewayConfig config = context.config();
        this.slowMillis = config.limit("slow_consumer_s") * 1000;
        ws.setWriteQueueMaxSize((int) Math.min(Integer.MAX_VALUE, config.limit("ws_max_queued_kb") * 1024));
        ws.exceptionHandler(this::onException);
        ws.drainHandler(v -> drained());
        long every = Math.max(1000, config.limit("idle_timeout_s") * 1000 / 3);
        pinger = vertx.setPeriodic(every, id -> {
            if (ws.isClosed()) vertx.cancelTimer(id);
            else ws.writePing(Buffer.buffer());
        });
    }

    /** Guards a socket just accepted; call before the protocol starts reading. */
    public static SocketGuard attach(GatewayContext context, ServerWebSocket ws) {
        return new SocketGuard(context, ws);
    }

    /** After every write: past the queue limit, stop reading until the client catches up. */
    public void wrote() {
        if (paused || ws.isClosed() || !ws.writeQueueFull()) return;
        paused = true;
        ws.pause();
        slowTimer = vertx.setTimer(slowMillis, t -> {
            slowTimer = -1;
            if (!paused || ws.isClosed()) return;
            log.info("closing a WebSocket whose client read nothing for {} s", slowMillis / 1000);
            ws.close(POLICY, "slow_consumer");
        });
    }

    /** Whether output is waiting for the client (a producer may hold back, e.g. audio deltas). */
    public boolean writeQueueFull() {
        // a closed socket throws "WebSocket is closed" here; what is left to write is dropped by send anyway
        return !ws.isClosed() && ws.writeQueueFull();
    }

    /** Runs once the next time the queued output has drained (one waiter at a time). */
    public void onDrain(Runnable r) {
        onDrain = r;
    }

    private void drained() {
        if (slowTimer >= 0) vertx.cancelTimer(slowTimer);
        slowTimer = -1;
        if (paused) {
            paused = false;
            ws.resume();
        }
        Runnable r = onDrain;
        onDrain = null;
        if (r != null) r.run();
    }

    private void onException(Throwable e) {
        if (tooBig(e)) {
            log.info("closing a WebSocket: {}", e.getMessage());
            if (ws.isClosed()) return;
            JsonObject error = new JsonObject().put("type", "error").put("error", new JsonObject()
                    .put("message", "a WebSocket frame or message is over the gateway's limit (settings ws_max_frame_kb"
                            + " and ws_max_message_mb): send smaller pieces")
                    .put("type", "invalid_request_error").put("code", "message_too_big"));
            ws.writeTextMessage(error.encode()).eventually(() -> ws.close(TOO_BIG, "message_too_big"));
        } else {
            log.debug("websocket error: {}", e.toString());
        }
    }

    /** A client's string echoed in an error, cut short: an error reply must not grow with the input. */
    public static String clip(String s) {
        return s == null || s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }

    /** Netty's frame decoder reports a frame over the cap; Vert.x's aggregator a message over it. */
    private static boolean tooBig(Throwable e) {
        if (e instanceof CorruptedWebSocketFrameException c) return c.closeStatus() != null && c.closeStatus().code() == TOO_BIG;
        return e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("max message size");
    }
}
