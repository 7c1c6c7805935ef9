package perception.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC2;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.getPerspectiveTransform;
import static org.bytedeco.opencv.global.opencv_imgproc.warpPerspective;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * OCR: detect text regions, rectify each (perspective warp to an upright strip; tall strips are
 * turned), recognise them in batches, keep lines read with enough confidence.
 */
public final class TextReader {
    private final TextDetector detector;
    private final TextRecognizer recognizer;
    private final double minConfidence;

    public TextReader(TextDetector detector, TextRecognizer recognizer, double minConfidence) {
        this.detector = detector;
        this.recognizer = recognizer;
        this.minConfidence = minConfidence;
    }

    public TextReader(TextDetector detector, TextRecognizer recognizer) {
        this(detector, recognizer, 0.5);
    }

    public TextDetector detector() {
        return detector;
    }

    public TextRecognizer recognizer() {
        return recognizer;
    }

    public List<TextLine> read(Frame frame) {
        List<Quad> quads = detector.detect(frame);
        if (quads.isEmpty()) return List.of();
        List<Frame> crops = new ArrayList<>(quads.size());
        try (Mat image = frame.toMat()) {
            for (Quad q : quads) crops.add(crop(image, q));
        }
        List<TextRecognizer.Result> results = recognizer.recognise(crops);
        List<TextLine> lines = new ArrayList<>();
        for (int i = 0; i < quads.size(); i++) {
            TextRecognizer.Result r = results.get(i);
            if (r.text().isEmpty() || r.confidence() < minConfidence) continue;
            lines.add(new TextLine(r.text(), r.confidence(), quads.get(i).bounds().clip(frame.width(), frame.height())));
        }
        return lines;
    }

    static Frame crop(Mat image, Quad q) {
        int w = Math.max(1, (int) Math.round(q.width())), h = Math.max(1, (int) Math.round(q.height()));
        try (Mat src = points(q.topLeft(), q.topRight(), q.bottomRight(), q.bottomLeft());
             Mat dst = points(new Point(0, 0), new Point(w, 0), new Point(w, h), new Point(0, h));
             Mat m = getPerspectiveTransform(src, dst);
             Mat out = new Mat()) {
            warpPerspective(image, out, m, new Size(w, h), INTER_CUBIC, BORDER_REPLICATE, new Scalar());
            if (h >= 1.5 * w) {
                try (Mat turned = new Mat()) {
                    rotate(out, turned, ROTATE_90_COUNTERCLOCKWISE);
                    return Frame.of(turned);
                }
            }
            return Frame.of(out);
        }
    }

    private static Mat points(Point... p) {
        Mat m = new Mat(4, 1, CV_32FC2);
        try (FloatIndexer idx = m.createIndexer()) {
            for (int i = 0; i < 4; i++) {
                idx.put(i, 0, 0, (float) p[i].x());
                idx.put(i, 0, 1, (float) p[i].y());
            }
        }
        return m;
    }
}
