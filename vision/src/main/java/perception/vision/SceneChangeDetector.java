package perception.vision;

import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Detects content changes between consecutive frames: each frame becomes a 32×32 grey thumbnail
 * plus a colour histogram; the change is the larger of the mean thumbnail difference and the
 * histogram distance (both 0–1). Mutable state: one instance per stream.
 */
public final class SceneChangeDetector {
    private static final int SIDE = 32;
    private final double threshold;
    private byte[] previousGrey;
    private double[] previousHistogram;

    public SceneChangeDetector(double threshold) {
        this.threshold = threshold;
    }

    public SceneChangeDetector() {
        this(0.25);
    }

    /** The change from the previous frame (0 for the first), and whether it crosses the threshold. */
    public record Change(double score, boolean changed) {
    }

    /** The threshold a change must reach to count as a new scene. */
    public double threshold() {
        return threshold;
    }

    /**
     * What this detector remembers of the previous frame (null before the first), so the next frame
     * can be compared in another process (a cluster worker): {@link #restore} takes it back.
     */
    public synchronized byte[] state() {
        if (previousGrey == null) return null;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(previousGrey.length + previousHistogram.length * 8);
        b.put(previousGrey);
        for (double h : previousHistogram) b.putDouble(h);
        return b.array();
    }

    /** Takes back a {@link #state()} (null: forget the previous frame). */
    public synchronized void restore(byte[] state) {
        if (state == null) {
            previousGrey = null;
            previousHistogram = null;
            return;
        }
        if (state.length != SIDE * SIDE + 64 * 8) throw new IllegalArgumentException("scene state of " + state.length + " bytes");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(state);
        byte[] grey = new byte[SIDE * SIDE];
        b.get(grey);
        double[] histogram = new double[64];
        for (int i = 0; i < 64; i++) histogram[i] = b.getDouble();
        previousGrey = grey;
        previousHistogram = histogram;
    }

    public synchronized Change next(Frame frame) {
        byte[] grey = new byte[SIDE * SIDE];
        byte[] colour = new byte[SIDE * SIDE * 3];
        try (Mat src = frame.toMat(); Mat small = new Mat(); Mat g = new Mat()) {
            resize(src, small, new Size(SIDE, SIDE), 0, 0, INTER_AREA);
            small.data().get(colour);
            cvtColor(small, g, COLOR_BGR2GRAY);
            g.data().get(grey);
        }
        double[] histogram = new double[64];
        for (int i = 0; i < SIDE * SIDE; i++) {
            int bin = ((colour[i * 3] & 0xFF) >> 6) | ((colour[i * 3 + 1] & 0xFF) >> 6) << 2 | ((colour[i * 3 + 2] & 0xFF) >> 6) << 4;
            histogram[bin] += 1.0 / (SIDE * SIDE);
        }
        double score = 0;
        if (previousGrey != null) {
            double diff = 0;
            for (int i = 0; i < grey.length; i++) diff += Math.abs((grey[i] & 0xFF) - (previousGrey[i] & 0xFF));
            double hist = 0;
            for (int i = 0; i < 64; i++) hist += Math.abs(histogram[i] - previousHistogram[i]);
            score = Math.max(diff / grey.length / 255, hist / 2);
        }
        previousGrey = grey;
        previousHistogram = histogram;
        return new Change(score, score >= threshold);
    }
}
