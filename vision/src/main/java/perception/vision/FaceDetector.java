package perception.vision;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * MediaPipe BlazeFace: front (128², near faces) or back (256², smaller faces further away) model.
 * Input NHWC RGB in [-1, 1], the image letterboxed to a square. 896 SSD anchors (16×16×2 + 8×8×6,
 * unit size), sigmoid scores, box and six keypoints as offsets in input pixels; weighted NMS.
 */
public final class FaceDetector {
    private final OnnxModel model;
    private final int size;
    private final double scoreThreshold;
    private final double iouThreshold;
    private final float[] anchors; // cx, cy pairs in [0, 1]

    public FaceDetector(OnnxModel model, int inputSize, double scoreThreshold, double iouThreshold) {
        this.model = model;
        this.size = inputSize;
        this.scoreThreshold = scoreThreshold;
        this.iouThreshold = iouThreshold;
        this.anchors = anchors();
    }

    /** The back model (256²), which also finds faces that fill a small part of the image. */
    public FaceDetector(OnnxModel model, int inputSize) {
        this(model, inputSize, 0.65, 0.3);
    }

    public OnnxModel model() {
        return model;
    }

    static float[] anchors() {
        float[] a = new float[896 * 2];
        int i = 0;
        int[][] layers = {{16, 2}, {8, 6}};
        for (int[] layer : layers) {
            int grid = layer[0];
            for (int y = 0; y < grid; y++) {
                for (int x = 0; x < grid; x++) {
                    for (int n = 0; n < layer[1]; n++) {
                        a[i++] = (x + 0.5f) / grid;
                        a[i++] = (y + 0.5f) / grid;
                    }
                }
            }
        }
        return a;
    }

    public List<Face> detect(Frame frame) {
        int side = Math.max(frame.width(), frame.height());
        double scale = (double) size / side; // input pixels per image pixel
        List<OnnxModel.Tensor> out = model.run(size * size * 3, new long[] {1, size, size, 3}, b -> preprocess(frame, scale, b));
        float[] scores = concat(out.get(0).data(), out.get(1).data());
        float[] regs = concat(out.get(2).data(), out.get(3).data());
        List<Face> candidates = new ArrayList<>();
        for (int i = 0; i < 896; i++) {
            double score = 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, scores[i]))));
            if (score < scoreThreshold) continue;
            int r = i * 16;
            double ax = anchors[i * 2] * size, ay = anchors[i * 2 + 1] * size;
            double cx = ax + regs[r], cy = ay + regs[r + 1], w = regs[r + 2], h = regs[r + 3];
            Box box = Box.corners((cx - w / 2) / scale, (cy - h / 2) / scale, (cx + w / 2) / scale, (cy + h / 2) / scale);
            List<Point> keypoints = new ArrayList<>(6);
            for (int k = 0; k < 6; k++) {
                keypoints.add(new Point((ax + regs[r + 4 + k * 2]) / scale, (ay + regs[r + 5 + k * 2]) / scale));
            }
            candidates.add(new Face(score, box, keypoints));
        }
        List<Face> faces = weightedNms(candidates);
        List<Face> clipped = new ArrayList<>();
        for (Face f : faces) clipped.add(new Face(f.score(), f.box().clip(frame.width(), frame.height()), f.keypoints()));
        return clipped;
    }

    /** Letterboxed into the top-left of the square input, RGB in [-1, 1], written row by row into {@code out}. */
    private void preprocess(Frame frame, double scale, java.nio.FloatBuffer out) {
        int w = Math.max(1, (int) Math.round(frame.width() * scale)), h = Math.max(1, (int) Math.round(frame.height() * scale));
        byte[] px = new byte[w * h * 3];
        try (Mat src = frame.toMat(); Mat dst = new Mat()) {
            resize(src, dst, new Size(w, h), 0, 0, INTER_LINEAR);
            dst.data().get(px);
        }
        float[] row = new float[size * 3];
        for (int y = 0; y < size; y++) {
            java.util.Arrays.fill(row, -1f); // black padding
            if (y < h) {
                for (int x = 0, s = y * w * 3, d = 0; x < w; x++, s += 3, d += 3) {
                    row[d] = NORM[px[s + 2] & 0xFF];
                    row[d + 1] = NORM[px[s + 1] & 0xFF];
                    row[d + 2] = NORM[px[s] & 0xFF];
                }
            }
            out.put(row);
        }
    }

    private static final float[] NORM = new float[256];

    static {
        for (int v = 0; v < 256; v++) NORM[v] = v / 127.5f - 1f;
    }

    /** MediaPipe's weighted NMS: overlapping detections are averaged, weighted by their scores. */
    private List<Face> weightedNms(List<Face> candidates) {
        List<Face> remaining = new ArrayList<>(candidates);
        remaining.sort(Comparator.comparingDouble(Face::score).reversed());
        List<Face> result = new ArrayList<>();
        while (!remaining.isEmpty()) {
            Face best = remaining.get(0);
            List<Face> group = new ArrayList<>();
            List<Face> rest = new ArrayList<>();
            for (Face f : remaining) (best.box().iou(f.box()) > iouThreshold ? group : rest).add(f);
            double total = 0, x1 = 0, y1 = 0, x2 = 0, y2 = 0;
            double[] kp = new double[12];
            for (Face f : group) {
                double s = f.score();
                total += s;
                x1 += f.box().x() * s;
                y1 += f.box().y() * s;
                x2 += f.box().x2() * s;
                y2 += f.box().y2() * s;
                for (int k = 0; k < 6; k++) {
                    kp[k * 2] += f.keypoints().get(k).x() * s;
                    kp[k * 2 + 1] += f.keypoints().get(k).y() * s;
                }
            }
            List<Point> keypoints = new ArrayList<>(6);
            for (int k = 0; k < 6; k++) keypoints.add(new Point(kp[k * 2] / total, kp[k * 2 + 1] / total));
            result.add(new Face(best.score(), Box.corners(x1 / total, y1 / total, x2 / total, y2 / total), keypoints));
            remaining = rest;
        }
        return result;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = new float[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

}
