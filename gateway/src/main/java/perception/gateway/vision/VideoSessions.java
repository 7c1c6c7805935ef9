package perception.gateway.vision;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import perception.gateway.core.GatewayContext;
import perception.vision.Analysis;

/**
 * The open /v1/video sessions of one gateway and the latest analysed frame of each, so another
 * session (a realtime voice session asked "what do you see?") can fetch it by session id. Holds one
 * frame per session; a session's entry goes when its socket closes. On a cluster, every gateway
 * node publishes its sessions' openings, analysed frames (the analysis, not the image) and closings
 * on {@link #SHARED}, and keeps the other nodes' for {@link #REMOTE_EXPIRY_MS} after the last word,
 * so a voice socket on one node sees the camera of a video socket on another.
 */
public final class VideoSessions {
    /** The latest analysed frame of a session: the encoded image as sent, and what was seen. */
    public record LatestFrame(String sessionId, long seq, Long clientTimestamp, long analyzedAtMillis, byte[] image, Analysis analysis) {
    }

    private static final Map<GatewayContext, VideoSessions> BY_GATEWAY = Collections.synchronizedMap(new WeakHashMap<>());
    static final String SHARED = "perception.video.sessions";
    static final long REMOTE_EXPIRY_MS = 60_000;

    private final Map<String, Optional<LatestFrame>> sessions = new ConcurrentHashMap<>();
    /** Clustered: the other gateway nodes' sessions, and when each was last heard of. */
    private final Map<String, Optional<LatestFrame>> remote = new ConcurrentHashMap<>();
    private final Map<String, Long> heardAt = new ConcurrentHashMap<>();
    private final io.vertx.core.Vertx vertx; // null: single node
    private final String node;

    private VideoSessions(GatewayContext context) {
        var workers = perception.gateway.core.Workers.of(context);
        this.vertx = workers.clustered() ? context.vertx() : null;
        this.node = workers.nodeId();
        if (vertx == null) return;
        vertx.eventBus().<io.vertx.core.json.JsonObject>consumer(SHARED, m -> heard(m.body()));
        vertx.setPeriodic(REMOTE_EXPIRY_MS / 4, id -> {
            long now = System.currentTimeMillis();
            heardAt.entrySet().removeIf(e -> {
                boolean old = now - e.getValue() > REMOTE_EXPIRY_MS;
                if (old) remote.remove(e.getKey());
                return old;
            });
        });
    }

    /** The registry of this gateway. */
    public static VideoSessions of(GatewayContext context) {
        return BY_GATEWAY.computeIfAbsent(context, VideoSessions::new);
    }

    /** The latest analysed frame of an open session; empty if the session is unknown or has none yet. */
    public Optional<LatestFrame> latest(String sessionId) {
        Optional<LatestFrame> here = sessions.get(sessionId);
        return here != null ? here : remote.getOrDefault(sessionId, Optional.empty());
    }

    public boolean isOpen(String sessionId) {
        return sessions.containsKey(sessionId) || remote.containsKey(sessionId);
    }

    private void share(io.vertx.core.json.JsonObject event) {
        if (vertx != null) vertx.eventBus().publish(SHARED, event.put("node", node));
    }

    private void heard(io.vertx.core.json.JsonObject e) {
        if (node.equals(e.getString("node"))) return;
        String id = e.getString("session");
        if (e.containsKey("closed")) {
            remote.remove(id);
            heardAt.remove(id);
            return;
        }
        heardAt.put(id, System.currentTimeMillis());
        if (!e.containsKey("analysis")) {
            remote.putIfAbsent(id, Optional.empty());
            return;
        }
        try {
            Analysis a = perception.gateway.core.WireCodec.JSON.readValue(e.getString("analysis"), Analysis.class);
            remote.put(id, Optional.of(new LatestFrame(id, e.getLong("seq"), e.getLong("timestamp"), e.getLong("analyzed_at"), null, a)));
        } catch (java.io.IOException bad) {
            org.slf4j.LoggerFactory.getLogger(VideoSessions.class).warn("a shared video frame could not be read: {}", bad.getMessage());
        }
    }

    public int open() {
        return sessions.size();
    }

    void opened(String sessionId) {
        sessions.put(sessionId, Optional.empty());
        share(new io.vertx.core.json.JsonObject().put("session", sessionId));
    }

    void analyzed(LatestFrame frame) {
        if (sessions.computeIfPresent(frame.sessionId(), (id, old) -> Optional.of(frame)) == null || vertx == null) return;
        try {
            share(new io.vertx.core.json.JsonObject().put("session", frame.sessionId()).put("seq", frame.seq()).put("timestamp", frame.clientTimestamp())
                    .put("analyzed_at", frame.analyzedAtMillis()).put("analysis", perception.gateway.core.WireCodec.JSON.writeValueAsString(frame.analysis())));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    void closed(String sessionId) {
        sessions.remove(sessionId);
        share(new io.vertx.core.json.JsonObject().put("session", sessionId).put("closed", true));
    }
}
