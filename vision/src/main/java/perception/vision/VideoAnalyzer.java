package perception.vision;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Samples a video file, analyses each sampled frame and marks scene changes. */
public final class VideoAnalyzer {
    private final Vision vision;
    private final VideoSampler sampler;
    private final double changeThreshold;

    public VideoAnalyzer(Vision vision, VideoSampler sampler, double changeThreshold) {
        this.vision = vision;
        this.sampler = sampler;
        this.changeThreshold = changeThreshold;
    }

    public VideoTimeline analyze(Path file, double fps, Set<String> analyzers) {
        List<VideoTimeline.Entry> entries = new ArrayList<>();
        List<Double> changes = new ArrayList<>();
        SceneChangeDetector detector = new SceneChangeDetector(changeThreshold);
        double duration = sampler.sample(file, fps, s -> {
            SceneChangeDetector.Change c = detector.next(s.frame());
            Analysis a = vision.analyze(s.frame(), analyzers);
            entries.add(new VideoTimeline.Entry(s.index(), s.timeSeconds(), a, c.score(), c.changed()));
            if (c.changed()) changes.add(s.timeSeconds());
        });
        return new VideoTimeline(duration, fps, entries, changes, summary(duration, entries, changes));
    }

    private static String summary(double duration, List<VideoTimeline.Entry> entries, List<Double> changes) {
        Map<String, Integer> most = new LinkedHashMap<>();
        for (VideoTimeline.Entry e : entries) {
            if (e.analysis().objects() == null) continue;
            Map<String, Integer> here = new LinkedHashMap<>();
            e.analysis().objects().forEach(o -> here.merge(o.label(), 1, Integer::sum));
            here.forEach((label, n) -> most.merge(label, n, Math::max));
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.1f s of video, %d frames sampled, %d scene change%s",
                duration, entries.size(), changes.size(), changes.size() == 1 ? "" : "s"));
        if (!changes.isEmpty()) {
            b.append(" (at");
            changes.forEach(t -> b.append(String.format(Locale.ROOT, " %.1f s", t)));
            b.append(')');
        }
        if (!most.isEmpty()) {
            List<String> parts = new ArrayList<>();
            most.forEach((label, n) -> parts.add(Describer.count(label, n)));
            b.append("; seen: ").append(String.join(", ", parts));
        }
        return b.append('.').toString();
    }
}
