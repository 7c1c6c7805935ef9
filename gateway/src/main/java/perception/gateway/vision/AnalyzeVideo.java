package perception.gateway.vision;

import java.util.Set;

/** Event-bus request to {@link VisionVerticle}: sample a video file at fps and analyse each frame. */
public record AnalyzeVideo(String path, double fps, Set<String> analyzers) {
}
