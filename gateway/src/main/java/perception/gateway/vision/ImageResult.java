package perception.gateway.vision;

import perception.vision.Analysis;
import perception.vision.SceneChangeDetector;

/**
 * Reply to {@link AnalyzeImage}: the analysis, the description (or null) and the scene change (or
 * null). {@code changeState} is the scene detector's state after this frame (null without one): a
 * session whose frames are analysed on another node takes it back with {@code restore}.
 */
public record ImageResult(Analysis analysis, String description, SceneChangeDetector.Change change, double decodeMs, byte[] changeState) {
    public ImageResult(Analysis analysis, String description, SceneChangeDetector.Change change, double decodeMs) {
        this(analysis, description, change, decodeMs, null);
    }
}
