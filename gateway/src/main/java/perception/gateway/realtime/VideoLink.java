package perception.gateway.realtime;

import io.vertx.core.json.JsonObject;
import perception.gateway.core.GatewayContext;
import perception.gateway.llm.Observations;
import perception.gateway.vision.VideoSessions;
import perception.llm.fusion.Fusion;

/**
 * What a linked /v1/video session's camera shows now, as text for the system prompt (quoted as
 * observed content), and as the structured observation the look and read skills use, so a
 * question like "what do you see?" is answered from the latest analysed frame.
 */
final class VideoLink {
    /** Frames older than this are not "now" any more. */
    static final long MAX_AGE_MS = 10_000;

    private VideoLink() {
    }

    /** null when no session is linked; otherwise a sentence about the camera, even if it shows nothing yet. */
    static String describe(GatewayContext context, String videoSession) {
        if (videoSession == null) return null;
        VideoSessions sessions = VideoSessions.of(context);
        // all of it inside the observed quote: the assistant's skills match the user's own words only
        if (!sessions.isOpen(videoSession)) return Fusion.observed("user's camera", "not connected (video session " + videoSession + ")");
        return sessions.latest(videoSession)
                .filter(f -> System.currentTimeMillis() - f.analyzedAtMillis() <= MAX_AGE_MS)
                .map(f -> Fusion.observed("camera view", "The user's camera shows, right now:\n" + f.analysis().toPromptText()))
                .orElse(Fusion.observed("user's camera", "connected, but no frame has been analysed yet"));
    }

    /** The latest analysed frame (at most a minute old) as the bus form of an observation, or null. */
    static JsonObject observation(GatewayContext context, String videoSession) {
        if (videoSession == null) return null;
        VideoSessions.LatestFrame f = VideoSessions.of(context).latest(videoSession).orElse(null);
        if (f == null) return null;
        long age = System.currentTimeMillis() - f.analyzedAtMillis();
        return age > 60_000 ? null : Observations.toJson(Observations.of(f.analysis(), "camera", age));
    }
}
