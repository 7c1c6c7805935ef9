package perception.gateway.vision;

import java.util.Set;
import perception.vision.SceneChangeDetector;

/**
 * Event-bus request to {@link VisionVerticle}: decode an encoded image and run the analyzers.
 * {@code changes} (optional) is the scene-change state of a video session, advanced by this frame;
 * {@code describe} asks for the fallback description. Passed by reference to a sense on this node;
 * to another node as the image bytes plus the detector's state ({@link VisionCodecs}).
 */
public record AnalyzeImage(byte[] bytes, Set<String> analyzers, SceneChangeDetector changes, boolean describe) {
}
