package perception.vision;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * YOLOX-nano over the 80 COCO classes: letterbox to 416×416 (pad 114), BGR, raw 0–255, NCHW; grid
 * decode over strides 8/16/32; score = objectness × class score; class-wise NMS; boxes mapped back
 * to the original pixels.
 */
public final class ObjectDetector {
    public static final int SIZE = 416;
    private static final int[] STRIDES = {8, 16, 32};

    /** The label file uses darknet spellings; answers use the plain COCO names. */
    private static final java.util.Map<String, String> PLAIN_NAMES = java.util.Map.of("motorbike", "motorcycle",
            "aeroplane", "airplane", "sofa", "couch", "pottedplant", "potted plant", "diningtable", "dining table", "tvmonitor", "tv");

    private final OnnxModel model;
    private final List<String> labels;
    private final double scoreThreshold;
    private final double iouThreshold;

    public ObjectDetector(OnnxModel model, double scoreThreshold, double iouThreshold) {
        this.model = model;
        this.labels = loadLabels();
        this.scoreThreshold = scoreThreshold;
        this.iouThreshold = iouThreshold;
    }

    public ObjectDetector(OnnxModel model) {
        this(model, 0.3, 0.45);
    }

    public OnnxModel model() {
        return model;
    }

    public List<DetectedObject> detect(Frame frame) {
        double scale = Math.min((double) SIZE / frame.width(), (double) SIZE / frame.height());
        OnnxModel.Tensor out = model.run(3 * SIZE * SIZE, new long[] {1, 3, SIZE, SIZE}, b -> preprocess(frame, scale, b)).get(0);
        return decode(out.data(), (int) out.shape()[2], scale, frame.width(), frame.height());
    }

    /** Letterbox into the top-left of a 416² canvas filled with 114, as YOLOX was trained. */
    public static float[] preprocess(Frame frame, double scale) {
        float[] input = new float[3 * SIZE * SIZE];
        preprocess(frame, scale, java.nio.FloatBuffer.wrap(input));
        return input;
    }

    /** The same, written plane by plane (B, G, R) into {@code out} from its position. */
    static void preprocess(Frame frame, double scale, java.nio.FloatBuffer out) {
        int w = Math.max(1, (int) Math.round(frame.width() * scale)), h = Math.max(1, (int) Math.round(frame.height() * scale));
        byte[] px = new byte[w * h * 3];
        try (Mat src = frame.toMat(); Mat dst = new Mat()) {
            resize(src, dst, new Size(w, h), 0, 0, INTER_LINEAR);
            dst.data().get(px);
        }
        float[] row = new float[SIZE];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < SIZE; y++) {
                java.util.Arrays.fill(row, 114f);
                if (y < h) {
                    for (int x = 0, s = y * w * 3 + c; x < w; x++, s += 3) row[x] = px[s] & 0xFF;
                }
                out.put(row);
            }
        }
    }

    private List<DetectedObject> decode(float[] out, int stride85, double scale, int width, int height) {
        int classes = stride85 - 5;
        List<DetectedObject> candidates = new ArrayList<>();
        int row = 0;
        for (int stride : STRIDES) {
            int cells = SIZE / stride;
            for (int gy = 0; gy < cells; gy++) {
                for (int gx = 0; gx < cells; gx++, row++) {
                    int o = row * stride85;
                    float objectness = out[o + 4];
                    if (objectness < scoreThreshold) continue;
                    int best = 0;
                    float bestScore = 0;
                    for (int c = 0; c < classes; c++) {
                        if (out[o + 5 + c] > bestScore) {
                            bestScore = out[o + 5 + c];
                            best = c;
                        }
                    }
                    double score = objectness * bestScore;
                    if (score < scoreThreshold) continue;
                    double cx = (out[o] + gx) * stride, cy = (out[o + 1] + gy) * stride;
                    double bw = Math.exp(out[o + 2]) * stride, bh = Math.exp(out[o + 3]) * stride;
                    Box box = Box.corners((cx - bw / 2) / scale, (cy - bh / 2) / scale, (cx + bw / 2) / scale, (cy + bh / 2) / scale)
                            .clip(width, height);
                    candidates.add(new DetectedObject(best < labels.size() ? labels.get(best) : "class" + best, score, box));
                }
            }
        }
        List<DetectedObject> kept = new ArrayList<>();
        candidates.stream().map(DetectedObject::label).distinct().forEach(label -> kept.addAll(Nms.hard(
                candidates.stream().filter(d -> d.label().equals(label)).toList(), DetectedObject::box, DetectedObject::score, iouThreshold)));
        kept.sort((a, b) -> Double.compare(b.score(), a.score()));
        // The same object under a second label (a dog also scored as a cat): keep the better label.
        return Nms.hard(kept, DetectedObject::box, DetectedObject::score, 0.85);
    }

    static List<String> loadLabels() {
        try (InputStream in = ObjectDetector.class.getResourceAsStream("coco80_labels.txt")) {
            if (in == null) throw new IllegalStateException("coco80_labels.txt missing from the vision jar");
            List<String> labels = new ArrayList<>();
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .map(String::trim).filter(s -> !s.isEmpty()).map(l -> PLAIN_NAMES.getOrDefault(l, l)).forEach(labels::add);
            return List.copyOf(labels);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
