package perception.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_SIMPLE;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_LIST;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;
import static org.bytedeco.opencv.global.opencv_imgproc.minAreaRect;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.RotatedRect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * PP-OCRv4 text detection (DB): the image resized so its longer side is at most 960 and both sides
 * multiples of 32, ImageNet-normalised in BGR order; the probability map thresholded at 0.3, each
 * region's minimum-area rectangle scored, kept above 0.6, and grown by the DB unclip ratio 1.5.
 */
public final class TextDetector {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    private final OnnxModel model;
    private final int maxSide;
    private final double binaryThreshold = 0.3;
    private final double boxThreshold = 0.6;
    private final double unclipRatio = 1.5;

    public TextDetector(OnnxModel model, int maxSide) {
        this.model = model;
        this.maxSide = maxSide;
    }

    public TextDetector(OnnxModel model) {
        this(model, 960);
    }

    public OnnxModel model() {
        return model;
    }

    /** Text regions as quadrilaterals in the original image's pixels, top to bottom. */
    public List<Quad> detect(Frame frame) {
        double ratio = Math.min(1.0, (double) maxSide / Math.max(frame.width(), frame.height()));
        int w = Math.max(32, (int) Math.round(frame.width() * ratio / 32) * 32);
        int h = Math.max(32, (int) Math.round(frame.height() * ratio / 32) * 32);
        byte[] px = new byte[w * h * 3];
        try (Mat src = frame.toMat(); Mat dst = new Mat()) {
            resize(src, dst, new Size(w, h), 0, 0, INTER_LINEAR);
            dst.data().get(px);
        }
        float[] input = new float[3 * w * h];
        int plane = w * h;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) input[c * plane + i] = ((px[i * 3 + c] & 0xFF) / 255f - MEAN[c]) / STD[c];
        }
        float[] prob = model.run(input, new long[] {1, 3, h, w}).get(0).data();
        return boxes(prob, w, h, (double) frame.width() / w, (double) frame.height() / h);
    }

    private List<Quad> boxes(float[] prob, int w, int h, double sx, double sy) {
        byte[] bin = new byte[w * h];
        for (int i = 0; i < bin.length; i++) bin[i] = prob[i] > binaryThreshold ? (byte) 255 : 0;
        List<Quad> quads = new ArrayList<>();
        try (Mat binary = new Mat(h, w, CV_8U); MatVector contours = new MatVector(); Mat hierarchy = new Mat()) {
            binary.data().put(bin);
            findContours(binary, contours, hierarchy, RETR_LIST, CHAIN_APPROX_SIMPLE);
            long n = Math.min(contours.size(), 1000);
            for (long i = 0; i < n; i++) {
                Mat contour = contours.get(i);
                if (contour.rows() < 4) continue;
                RotatedRect rect = minAreaRect(contour);
                double rw = rect.size().width(), rh = rect.size().height();
                if (Math.min(rw, rh) < 3) continue;
                Quad quad = Quad.rotated(rect.center().x(), rect.center().y(), rw, rh, rect.angle());
                if (score(prob, w, h, quad) < boxThreshold) continue;
                double d = rw * rh * unclipRatio / (2 * (rw + rh));
                if (Math.min(rw, rh) + 2 * d < 5) continue;
                Quad grown = Quad.rotated(rect.center().x(), rect.center().y(), rw + 2 * d, rh + 2 * d, rect.angle());
                quads.add(grown.scaled(sx, sy));
            }
        }
        quads.sort((a, b) -> {
            double dy = a.topLeft().y() - b.topLeft().y();
            return Math.abs(dy) < 10 ? Double.compare(a.topLeft().x(), b.topLeft().x()) : Double.compare(a.topLeft().y(), b.topLeft().y());
        });
        return quads;
    }

    /** Mean probability inside the rectangle: DB's box score. */
    private static double score(float[] prob, int w, int h, Quad quad) {
        Box b = quad.bounds().clip(w - 1, h - 1);
        double sum = 0;
        int count = 0;
        for (int y = (int) Math.floor(b.y()); y <= (int) Math.ceil(b.y2()); y++) {
            for (int x = (int) Math.floor(b.x()); x <= (int) Math.ceil(b.x2()); x++) {
                if (!quad.contains(x, y)) continue;
                sum += prob[y * w + x];
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }
}
