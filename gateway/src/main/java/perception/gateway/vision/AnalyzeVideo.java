package perception.gateway.vision;

import java.util.Set;

/**
 * Event-bus request to {@link VisionVerticle}: sample a video file at fps and analyse each frame.
 * {@code data} is the file's content when the request crossed to another node (the path is the
 * gateway's), else null.
 */
public record AnalyzeVideo(String path, double fps, Set<String> analyzers, byte[] data) {
    public AnalyzeVideo(String path, double fps, Set<String> analyzers) {
        this(path, fps, analyzers, null);
    }
}
