package perception.gateway.vision;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.SocketGuard;
import perception.vision.SceneChangeDetector;

/**
 * One /v1/video session. The client sends binary JPEG/PNG frames and JSON control messages
 * ({@code session.update}, {@code frame.info}); the server analyses with latest-frame-wins: at most
 * one frame in flight and one waiting, a newer frame replaces the waiting one and counts as dropped.
 * So memory per session is two frames whatever the client sends; when the client does not read
 * our events fast enough the socket is paused instead of queueing them. Frames are best-effort work
 * (see WorkScheduler): while voice turns keep the threads, the frame in flight waits and newer ones
 * replace the waiting one, so the session sheds frames (counted in dropped) instead of delaying a
 * turn. The rate is capped by the session's fps and the gateway's video_max_fps, the lower one.
 * All state is touched only on this socket's event loop.
 */
final class VideoSocket {
    private static final Logger log = LoggerFactory.getLogger(VideoSocket.class);

    private final ServerWebSocket ws;
    private final Vertx vertx;
    private final VideoSessions sessions;
    private final Set<String> loaded;
    private final String id = UUID.randomUUID().toString();
    private final SceneChangeDetector changes = new SceneChangeDetector();

    private Set<String> analyzers;
    private double fps; // the session's cap; 0 = as fast as frames can be analysed
    /** The gateway's cap for every session (setting video_max_fps); 0 = none. */
    private final double maxFps;
    private String prompt;
    private long seq;
    private long dropped;
    private long analysed;
    private Long nextTimestamp;
    private Pending waiting;
    private boolean inFlight;
    private long lastStartNanos;
    private boolean timerSet;
    private boolean closed;
    private final SocketGuard guard;

    private record Pending(long seq, Long clientTimestamp, long receivedNanos, byte[] bytes) {
    }

    VideoSocket(ServerWebSocket ws, SocketGuard guard, Vertx vertx, VideoSessions sessions, Set<String> loaded, double fps, double maxFps) {
        this.fps = fps;
        this.maxFps = maxFps;
        this.guard = guard;
        this.ws = ws;
        this.vertx = vertx;
        this.sessions = sessions;
        this.loaded = loaded;
        Set<String> defaults = new LinkedHashSet<>(loaded);
        defaults.remove("text"); // OCR is slow; a client asks for it with session.update
        this.analyzers = defaults;
    }

    void start() {
        sessions.opened(id);
        ws.binaryMessageHandler(this::onFrame);
        ws.textMessageHandler(this::onControl);
        ws.closeHandler(v -> {
            closed = true;
            waiting = null;
            sessions.closed(id);
            log.info("video session {} closed: {} frames, {} analysed, {} dropped", id, seq, analysed, dropped);
        });
        send(new JsonObject().put("type", "session.created").put("session_id", id).put("analyzers", new JsonArray(analyzers.stream().toList()))
                .put("fps", fps).put("max_fps", maxFps));
    }

    private void onFrame(Buffer data) {
        if (closed) return;
        long n = ++seq;
        if (waiting != null) dropped++; // latest frame wins: the waiting one is never analysed
        waiting = new Pending(n, nextTimestamp, System.nanoTime(), data.getBytes());
        nextTimestamp = null;
        pump();
    }

    private void onControl(String text) {
        JsonObject msg;
        try {
            msg = new JsonObject(text);
        } catch (DecodeException e) {
            error(ApiError.badRequest("invalid_json", "control messages are JSON objects, e.g. {\"type\":\"session.update\",\"analyzers\":[\"objects\"]}"), null);
            return;
        }
        String type = String.valueOf(msg.getValue("type"));
        switch (type) {
            case "session.update" -> update(msg);
            case "frame.info" -> {
                Object ts = msg.getValue("timestamp");
                if (ts instanceof Number number) nextTimestamp = number.longValue();
                else error(ApiError.badParam("timestamp", "frame.info needs a numeric timestamp (your clock, e.g. ms)"), null);
            }
            default -> error(ApiError.badParam("type", "unknown message type '" + SocketGuard.clip(type) + "': send session.update or frame.info, and frames as binary messages"), null);
        }
    }

    private void update(JsonObject msg) {
        try {
            if (msg.containsKey("analyzers")) {
                Object value = msg.getValue("analyzers");
                if (!(value instanceof JsonArray list)) throw ApiError.badParam("analyzers", "analyzers is a list, e.g. [\"objects\",\"faces\"]");
                Set<String> requested = new LinkedHashSet<>();
                for (Object a : list) requested.add(String.valueOf(a));
                VisionRoutes.checkAnalyzers(requested, loaded);
                analyzers = requested;
            }
            if (msg.containsKey("fps")) {
                Object value = msg.getValue("fps");
                if (!(value instanceof Number f)) throw ApiError.badParam("fps", FPS_RANGE);
                fps = fps(f.toString());
            }
            if (msg.containsKey("prompt")) prompt = msg.getString("prompt");
            send(new JsonObject().put("type", "session.updated").put("session_id", id)
                    .put("analyzers", new JsonArray(analyzers.stream().toList())).put("fps", fps).put("max_fps", maxFps).put("prompt", prompt));
        } catch (ApiError e) {
            error(e, null);
        } catch (ClassCastException e) {
            error(ApiError.badParam("prompt", "prompt is a string"), null);
        }
    }

    /** Starts the waiting frame when nothing is in flight and the fps cap allows. */
    private void pump() {
        if (closed || inFlight || waiting == null || timerSet) return;
        double rate = fps > 0 && maxFps > 0 ? Math.min(fps, maxFps) : Math.max(fps, maxFps);
        long minGap = rate > 0 ? (long) (1e9 / rate) : 0;
        long wait = lastStartNanos + minGap - System.nanoTime();
        if (lastStartNanos != 0 && wait > 1_000_000) {
            timerSet = true;
            vertx.setTimer(wait / 1_000_000, t -> {
                timerSet = false;
                pump();
            });
            return;
        }
        Pending frame = waiting;
        waiting = null;
        inFlight = true;
        lastStartNanos = System.nanoTime();
        AnalyzeImage job = new AnalyzeImage(frame.bytes(), Set.copyOf(analyzers), changes, false);
        perception.gateway.core.Workers.<ImageResult>request(vertx, VisionFeature.ANALYZE, job, new DeliveryOptions().setSendTimeout(60_000), true).onComplete(r -> {
            inFlight = false;
            if (closed) return;
            if (r.succeeded()) {
                if (r.result().body().changeState() != null) changes.restore(r.result().body().changeState()); // analysed on another node
                analysed++;
                ImageResult result = r.result().body();
                double latency = (System.nanoTime() - frame.receivedNanos()) / 1e6;
                JsonObject event = AnalysisJson.analysis(result.analysis()).put("type", "frame.analysis").put("seq", frame.seq())
                        .put("timestamp", frame.clientTimestamp()).put("latency_ms", Math.round(latency * 10) / 10.0)
                        .put("dropped", dropped).put("analysed", analysed);
                send(event);
                if (result.change() != null && result.change().changed()) {
                    send(new JsonObject().put("type", "scene.changed").put("seq", frame.seq()).put("timestamp", frame.clientTimestamp())
                            .put("score", Math.round(result.change().score() * 1000) / 1000.0));
                }
                sessions.analyzed(new VideoSessions.LatestFrame(id, frame.seq(), frame.clientTimestamp(), System.currentTimeMillis(),
                        frame.bytes(), result.analysis()));
            } else {
                error(VisionErrors.toApiError(r.cause()), frame.seq());
            }
            pump();
        });
    }

    private void error(ApiError e, Long frameSeq) {
        JsonObject event = new JsonObject().put("type", "error").put("error", e.toJson().getJsonObject("error"));
        if (frameSeq != null) event.put("seq", frameSeq);
        send(event);
    }

    private void send(JsonObject event) {
        if (closed) return;
        ws.writeTextMessage(event.encode());
        guard.wrote(); // a client that does not read: stop reading its frames until it catches up

    }

    private static final String FPS_RANGE = "fps is a number from 0 (as fast as possible) to 60";

    /** A session's fps cap from a query parameter or session.update (null: none). */
    static double fps(String value) {
        if (value == null) return 0;
        double f;
        try {
            f = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw ApiError.badParam("fps", FPS_RANGE);
        }
        if (!(f >= 0 && f <= 60)) throw ApiError.badParam("fps", FPS_RANGE);
        return f;
    }

    String id() {
        return id;
    }

    static Set<String> defaultAnalyzers(GatewayConfig config) {
        Set<String> s = new LinkedHashSet<>(config.analyzers());
        s.add(perception.vision.Analyzer.SCENE.wireName());
        return s;
    }
}
