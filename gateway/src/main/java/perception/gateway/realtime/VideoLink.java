package perception.gateway.realtime;

import perception.gateway.GatewayContext;
import perception.gateway.vision.VideoSessions;

/**
 * What a linked /v1/video session's camera shows now, as text for the system prompt, so a question
 * like "what do you see?" is answered from the latest analysed frame.
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
        if (!sessions.isOpen(videoSession)) return "The user's camera (video session " + videoSession + ") is not connected.";
        return sessions.latest(videoSession)
                .filter(f -> System.currentTimeMillis() - f.analysedAtMillis() <= MAX_AGE_MS)
                .map(f -> "The user's camera shows, right now: " + f.analysis().toPromptText())
                .orElse("The user's camera is connected but no frame has been analysed yet.");
    }
}
