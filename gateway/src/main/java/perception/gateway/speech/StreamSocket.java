package perception.gateway.speech;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.BusSession;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.SerialQueue;
import perception.gateway.core.SocketGuard;

/**
 * One client of GET /v1/audio/stream, speaking the vosk-server protocol: an optional text frame
 * {"config": {"sample_rate": 16000, "words": true, "max_alternatives": 0}}, binary PCM16LE mono
 * frames each answered by {"partial": ...} or {"text": ..., "result": [...]}, then {"eof": 1}
 * answered by the final result, after which the server closes (1000).
 * Messages are handled strictly in order (a queue; the socket is paused while it is long), and the
 * recognition session lives in the speech verticle, reached through the event bus. Garbage gets an
 * error message and close 1007 (malformed: not JSON, odd-length PCM) or 1003 (unsupported: bad
 * sample rate, unknown message); the session is closed on every path, disconnects included.
 */
final class StreamSocket {
    private static final Logger log = LoggerFactory.getLogger(StreamSocket.class);
    static final short UNSUPPORTED = 1003;
    static final short INVALID = 1007;
    static final short TRY_LATER = 1013;
    private static final int MAX_QUEUED = 8;

    private final GatewayContext context;
    private final ServerWebSocket ws;
    private final SocketGuard guard;
    private int sampleRate = 16000;
    private boolean words = true;
    private BusSession session;      // the recognition session, once audio came
    private final SerialQueue queue = new SerialQueue();
    private double heardSeconds;
    private boolean done;            // eof answered, error sent or socket closed: ignore the rest

    StreamSocket(GatewayContext context, ServerWebSocket ws) {
        this.context = context;
        this.ws = ws;
        this.guard = SocketGuard.attach(context, ws);
    }

    void start() {
        ws.textMessageHandler(text -> enqueue(() -> onText(text)));
        ws.binaryMessageHandler(pcm -> enqueue(() -> onAudio(pcm)));
        ws.closeHandler(v -> {
            done = true;
            enqueue(this::closeSession);
        });
    }

    private void enqueue(java.util.function.Supplier<Future<?>> step) {
        if (queue.pending() >= MAX_QUEUED) ws.pause();
        queue.enqueue(() -> done && session == null ? Future.succeededFuture() : step.get()).onComplete(r -> {
            // a write to a client that has gone is not the gateway's failure: no warning (hostile clients hang up at will)
            if (r.failed() && ws.isClosed()) log.debug("streaming step ended with the socket closed: {}", r.cause().toString());
            else if (r.failed()) log.warn("streaming step failed", r.cause());
            if (queue.pending() <= MAX_QUEUED / 2) ws.resume();
        });
    }

    private Future<?> onText(String text) {
        if (done) return Future.succeededFuture();
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            return fail(INVALID, "invalid_json", "text frames must be JSON: {\"config\":{...}} or {\"eof\":1}");
        }
        if (msg.containsKey("eof")) return eof();
        if (msg.containsKey("config")) return configure(msg.getValue("config"));
        return fail(UNSUPPORTED, "unknown_message", "unknown text message; send {\"config\":{...}}, binary PCM16LE audio, or {\"eof\":1}");
    }

    private Future<?> configure(Object value) {
        if (!(value instanceof JsonObject config)) return fail(INVALID, "invalid_config", "\"config\" must be an object");
        if (session != null) return fail(UNSUPPORTED, "late_config", "config must come before the first audio frame");
        Object rate = config.getValue("sample_rate", 16000);
        if (!(rate instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 8000 || n.doubleValue() > 48000) {
            return fail(UNSUPPORTED, "invalid_sample_rate", "sample_rate must be a whole number of Hz from 8000 to 48000, got " + rate);
        }
        Object w = config.getValue("words", true);
        if (!(w instanceof Boolean)) return fail(INVALID, "invalid_config", "\"words\" must be true or false");
        Object alternatives = config.getValue("max_alternatives", 0);
        if (!(alternatives instanceof Number a) || a.intValue() != 0) {
            return fail(UNSUPPORTED, "unsupported_config", "max_alternatives other than 0 is not supported");
        }
        sampleRate = n.intValue();
        words = (Boolean) w;
        return Future.succeededFuture();
    }

    private Future<?> onAudio(Buffer pcm) {
        if (done) return Future.succeededFuture();
        if (pcm.length() % 2 != 0) return fail(INVALID, "odd_pcm", "binary frames must be 16-bit PCM: " + pcm.length() + " bytes is an odd length");
        // work is bounded in seconds of audio, not only bytes: per message and per session
        double seconds = pcm.length() / 2.0 / sampleRate;
        long perMessage = context.config().limit("stream_max_message_seconds");
        if (seconds > perMessage) {
            return fail(SocketGuard.TOO_BIG, "audio_too_long", String.format(java.util.Locale.ROOT,
                    "one message carries %.1f s of audio; the limit is %d s (setting stream_max_message_seconds): send smaller chunks, e.g. 0.1 to 0.5 s", seconds, perMessage));
        }
        heardSeconds += seconds;
        long perSession = context.config().limit("stream_max_session_seconds");
        if (heardSeconds > perSession) {
            return fail(SocketGuard.POLICY, "session_too_long", "this session has sent more than " + perSession
                    + " s of audio (setting stream_max_session_seconds): open a new session");
        }
        return session().request(pcm).<Void>compose(this::answer, this::busFailure);
    }

    private Future<?> eof() {
        if (session == null && !done) {
            // no audio at all: the final result is empty, as vosk-server answers
            done = true;
            return ws.writeTextMessage(new JsonObject().put("text", "").encode()).eventually(() -> ws.close((short) 1000));
        }
        return session.request(new JsonObject().put("eof", 1))
                .<Void>compose(reply -> {
                    session.ended(); // the verticle closed it after answering eof
                    session = null;
                    done = true;
                    return ws.writeTextMessage(reply.encode()).eventually(() -> ws.close((short) 1000));
                }, this::busFailure);
    }

    private BusSession session() {
        if (session == null) {
            session = new BusSession(context.vertx(), SpeechFeature.TRANSCRIBE_STREAM_OPEN, new JsonObject().put("sample_rate", sampleRate).put("words", words));
        }
        return session;
    }

    private Future<Void> answer(JsonObject reply) {
        if (done) return Future.<Void>succeededFuture();
        Future<Void> written = ws.writeTextMessage(reply.encode());
        guard.wrote();
        return written;
    }

    private Future<Void> busFailure(Throwable e) {
        var api = SpeechVerticle.SENSE.toApiError(e);
        return fail(api.status() == 400 ? INVALID : api.status() == 503 ? TRY_LATER : (short) 1011, api.code(), api.getMessage());
    }

    /** Sends an error in the gateway's error shape and closes with the given code. */
    private Future<Void> fail(short closeCode, String code, String message) {
        done = true;
        JsonObject error = new JsonObject().put("error", new JsonObject().put("message", message)
                .put("type", "invalid_request_error").put("code", code));
        return ws.writeTextMessage(error.encode())
                .eventually(() -> ws.close(closeCode, code))
                .eventually(this::closeSession);
    }

    private Future<Void> closeSession() {
        if (session == null) return Future.<Void>succeededFuture();
        BusSession s = session;
        session = null;
        return s.close(); // already gone (the reaper or eof closed it) is fine
    }
}
