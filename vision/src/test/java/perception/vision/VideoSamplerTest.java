package perception.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoSamplerTest {
    @TempDir
    Path dir;

    private final VideoSampler sampler = new VideoSampler(40_000_000, 1000);

    private List<VideoSampler.Sample> sample(Path file, double fps) {
        List<VideoSampler.Sample> samples = new ArrayList<>();
        sampler.sample(file, fps, samples::add);
        return samples;
    }

    @Test
    void samplesMp4AtTheRequestedRateAndSeesTheCut() throws Exception {
        Path mp4 = dir.resolve("cut.mp4");
        TestVideos.mp4(mp4, 10, 4, 2.0);
        List<VideoSampler.Sample> samples = sample(mp4, 2);
        assertEquals(8, samples.size(), samples.stream().map(VideoSampler.Sample::timeSeconds).toList().toString());
        assertEquals(0.5, samples.get(1).timeSeconds() - samples.get(0).timeSeconds(), 0.11);
        assertEquals(160, samples.get(0).frame().width());
        SceneChangeDetector changes = new SceneChangeDetector();
        List<Double> cuts = new ArrayList<>();
        for (VideoSampler.Sample s : samples) if (changes.next(s.frame()).changed()) cuts.add(s.timeSeconds());
        assertEquals(1, cuts.size(), "one cut: " + cuts);
        assertEquals(2.0, cuts.get(0), 0.11);
    }

    @Test
    void readsWebmAndAvi() throws Exception {
        Path webm = dir.resolve("v.webm"), avi = dir.resolve("v.avi");
        TestVideos.write(webm, "webm", avcodec.AV_CODEC_ID_VP8, 10, 1, 5);
        TestVideos.write(avi, "avi", avcodec.AV_CODEC_ID_MJPEG, 10, 1, 5);
        assertEquals(5, sample(webm, 5).size());
        assertEquals(5, sample(avi, 5).size());
    }

    /** Corrupted MP4s: each is sampled or refused with a VisionException; FFmpeg never takes the JVM down. */
    @Test
    void survivesCorruptedVideos() throws Exception {
        Path mp4 = dir.resolve("seed.mp4");
        TestVideos.mp4(mp4, 10, 1, 5);
        byte[] seed = Files.readAllBytes(mp4);
        java.util.Random random = new java.util.Random(3);
        int sampled = 0, refused = 0;
        for (int i = 0; i < 40; i++) {
            Path bad = dir.resolve("bad" + i + ".mp4");
            Files.write(bad, ImageDecoderTest.mutate(seed, random));
            try {
                sample(bad, 5);
                sampled++;
            } catch (VisionException e) {
                refused++;
            }
        }
        // Mutants exercise both paths: some still sample, some are refused (never anything else).
        assertTrue(sampled > 0 && refused > 0, "both outcomes: sampled " + sampled + ", refused " + refused);
        assertEquals(5, sample(mp4, 5).size(), "still works afterwards");
    }

    @Test
    void refusesNonVideo() throws Exception {
        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "this is not a video at all ".repeat(100));
        assertEquals(VisionException.Reason.UNSUPPORTED, assertThrows(VisionException.class, () -> sample(text, 1)).reason());
        Path png = dir.resolve("still.png");
        Files.write(png, ImageDecoderTest.encode(ImageDecoderTest.card(), ".png"));
        // A still image is readable by FFmpeg as a one-frame "video": that is fine, it is one sample.
        assertEquals(1, sample(png, 1).size());
        Path empty = dir.resolve("empty.mp4");
        Files.write(empty, new byte[0]);
        assertThrows(VisionException.class, () -> sample(empty, 1));
        assertThrows(IllegalArgumentException.class, () -> sample(text, 0));
    }
}
