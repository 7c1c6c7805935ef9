package perception.vision;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * PP-OCRv4 recognition: crops resized to height 48 (BGR, (x/255 − 0.5)/0.5), padded on the right to
 * the widest crop of the batch (at least 320), run in batches; greedy CTC over the key list (index 0
 * blank, last index space).
 */
public final class TextRecognizer {
    public static final int HEIGHT = 48;
    private static final int MIN_WIDTH = 320;
    private static final int MAX_WIDTH = 1600;

    /** One recognised crop. */
    public record Result(String text, double confidence) {
    }

    private final OnnxModel model;
    private final List<String> keys;
    private final int batchSize;

    public TextRecognizer(OnnxModel model, Path keysFile, int batchSize) {
        this.model = model;
        this.batchSize = batchSize;
        try {
            String all = Files.readString(keysFile, StandardCharsets.UTF_8);
            List<String> k = new ArrayList<>(Arrays.asList(all.split("\n", -1)));
            if (!k.isEmpty() && k.get(k.size() - 1).isEmpty()) k.remove(k.size() - 1);
            k.replaceAll(s -> s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
            k.add(" ");
            this.keys = List.copyOf(k);
        } catch (IOException e) {
            throw new IllegalStateException("OCR key list missing at " + keysFile + ": run ./run-gateway models fetch ppocr-v4", e);
        }
    }

    public OnnxModel model() {
        return model;
    }

    /** Recognises BGR crops (any size); results in the same order. */
    public List<Result> recognise(List<Frame> crops) {
        Result[] results = new Result[crops.size()];
        Integer[] order = new Integer[crops.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        // Similar widths in one batch waste less padding.
        Arrays.sort(order, (a, b) -> Double.compare(ratio(crops.get(a)), ratio(crops.get(b))));
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            double maxRatio = (double) MIN_WIDTH / HEIGHT;
            for (int i = start; i < end; i++) maxRatio = Math.max(maxRatio, ratio(crops.get(order[i])));
            int width = Math.min(MAX_WIDTH, (int) Math.ceil(HEIGHT * maxRatio));
            int n = end - start;
            float[] input = new float[n * 3 * HEIGHT * width];
            for (int i = 0; i < n; i++) fill(input, i, crops.get(order[start + i]), width);
            OnnxModel.Tensor out = model.run(input, new long[] {n, 3, HEIGHT, width}).get(0);
            int steps = (int) out.shape()[1], classes = (int) out.shape()[2];
            for (int i = 0; i < n; i++) results[order[start + i]] = decode(out.data(), i * steps * classes, steps, classes);
        }
        return Arrays.asList(results);
    }

    private static double ratio(Frame f) {
        return (double) f.width() / f.height();
    }

    private static void fill(float[] input, int index, Frame crop, int width) {
        int w = Math.max(1, Math.min(width, (int) Math.ceil(HEIGHT * ratio(crop))));
        byte[] px = new byte[w * HEIGHT * 3];
        try (Mat src = crop.toMat(); Mat dst = new Mat()) {
            resize(src, dst, new Size(w, HEIGHT), 0, 0, INTER_LINEAR);
            dst.data().get(px);
        }
        int plane = HEIGHT * width, base = index * 3 * plane;
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < w; x++) {
                int s = (y * w + x) * 3;
                for (int c = 0; c < 3; c++) input[base + c * plane + y * width + x] = (px[s + c] & 0xFF) / 127.5f - 1f;
            }
        }
    }

    private Result decode(float[] probs, int offset, int steps, int classes) {
        StringBuilder text = new StringBuilder();
        double confidence = 0;
        int kept = 0, previous = 0;
        for (int t = 0; t < steps; t++) {
            int o = offset + t * classes, best = 0;
            float bestP = probs[o];
            for (int c = 1; c < classes; c++) {
                if (probs[o + c] > bestP) {
                    bestP = probs[o + c];
                    best = c;
                }
            }
            if (best != 0 && best != previous && best - 1 < keys.size()) {
                text.append(keys.get(best - 1));
                confidence += bestP;
                kept++;
            }
            previous = best;
        }
        return new Result(text.toString().strip(), kept == 0 ? 0 : confidence / kept);
    }
}
