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
 * frame per session; a session's entry goes when its socket closes.
 */
public final class VideoSessions {
    /** The latest analysed frame of a session: the encoded image as sent, and what was seen. */
    public record LatestFrame(String sessionId, long seq, Long clientTimestamp, long analyzedAtMillis, byte[] image, Analysis analysis) {
    }

    private static final Map<GatewayContext, VideoSessions> BY_GATEWAY = Collections.synchronizedMap(new WeakHashMap<>());

    private final Map<String, Optional<LatestFrame>> sessions = new ConcurrentHashMap<>();

    /** The registry of this gateway. */
    public static VideoSessions of(GatewayContext context) {
        return BY_GATEWAY.computeIfAbsent(context, c -> new VideoSessions());
    }

    /** The latest analysed frame of an open session; empty if the session is unknown or has none yet. */
    public Optional<LatestFrame> latest(String sessionId) {
        return sessions.getOrDefault(sessionId, Optional.empty());
    }

    public boolean isOpen(String sessionId) {
        return sessions.containsKey(sessionId);
    }

    public int open() {
        return sessions.size();
    }

    void opened(String sessionId) {
        sessions.put(sessionId, Optional.empty());
    }

    void analyzed(LatestFrame frame) {
        sessions.computeIfPresent(frame.sessionId(), (id, old) -> Optional.of(frame));
    }

    void closed(String sessionId) {
        sessions.remove(sessionId);
    }
}
