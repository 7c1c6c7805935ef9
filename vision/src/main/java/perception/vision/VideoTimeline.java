package perception.vision;

import java.util.List;

/**
 * The analysis of a video: per sampled frame its time, detections and scene-change score, the
 * times where the scene changed, and a one-line summary.
 */
public record VideoTimeline(double durationSeconds, double fps, List<Entry> frames, List<Double> sceneChanges, String summary) {
    public VideoTimeline {
        frames = List.copyOf(frames);
        sceneChanges = List.copyOf(sceneChanges);
    }

    /** One sampled frame. */
    public record Entry(int index, double timeSeconds, Analysis analysis, double changeScore, boolean sceneChanged) {
    }
}
