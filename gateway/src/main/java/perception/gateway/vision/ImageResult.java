package perception.gateway.vision;

import perception.vision.Analysis;
import perception.vision.SceneChangeDetector;

/** Reply to {@link AnalyzeImage}: the analysis, the description (or null) and the scene change (or null). */
public record ImageResult(Analysis analysis, String description, SceneChangeDetector.Change change, double decodeMs) {
}
