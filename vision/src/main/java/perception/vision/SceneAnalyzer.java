package perception.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_64F;
import static org.bytedeco.opencv.global.opencv_core.meanStdDev;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.Laplacian;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Whole-image statistics without a model: brightness (mean luma), sharpness (variance of the
 * Laplacian on the grey image, at most 640 px wide so the number does not depend on resolution
 * much) and the dominant colours (pixels of a 64×64 thumbnail snapped to a small named palette).
 */
public final class SceneAnalyzer {
    private static final String[] NAMES = {"black", "white", "grey", "red", "orange", "yellow", "green", "dark green",
            "blue", "light blue", "purple", "pink", "brown", "beige"};
    private static final int[][] RGB = {{20, 20, 20}, {240, 240, 240}, {128, 128, 128}, {200, 30, 30}, {240, 140, 30},
            {235, 215, 50}, {60, 170, 60}, {30, 80, 40}, {40, 70, 190}, {140, 190, 235}, {130, 60, 160}, {240, 150, 190},
            {120, 75, 40}, {215, 195, 160}};

    public Scene analyze(Frame frame) {
        double sharpness;
        try (Mat src = frame.toMat(); Mat grey = new Mat(); Mat small = new Mat(); Mat lap = new Mat();
             Mat mean = new Mat(); Mat std = new Mat()) {
            cvtColor(src, grey, COLOR_BGR2GRAY);
            Mat g = grey;
            if (frame.width() > 640) {
                resize(grey, small, new Size(640, Math.max(1, (int) Math.round(frame.height() * 640.0 / frame.width()))), 0, 0, INTER_AREA);
                g = small;
            }
            Laplacian(g, lap, CV_64F);
            meanStdDev(lap, mean, std);
            try (DoubleIndexer s = std.createIndexer()) {
                sharpness = s.get(0) * s.get(0);
            }
        }
        byte[] thumb = new byte[64 * 64 * 3];
        try (Mat src = frame.toMat(); Mat t = new Mat()) {
            resize(src, t, new Size(64, 64), 0, 0, INTER_AREA);
            t.data().get(thumb);
        }
        double luma = 0;
        int[] counts = new int[NAMES.length];
        long[][] sums = new long[NAMES.length][3];
        for (int i = 0; i < 64 * 64; i++) {
            int b = thumb[i * 3] & 0xFF, g = thumb[i * 3 + 1] & 0xFF, r = thumb[i * 3 + 2] & 0xFF;
            luma += 0.299 * r + 0.587 * g + 0.114 * b;
            int best = 0;
            long bestD = Long.MAX_VALUE;
            for (int c = 0; c < RGB.length; c++) {
                long d = sq(r - RGB[c][0]) * 3L + sq(g - RGB[c][1]) * 4L + sq(b - RGB[c][2]) * 2L;
                if (d < bestD) {
                    bestD = d;
                    best = c;
                }
            }
            counts[best]++;
            sums[best][0] += r;
            sums[best][1] += g;
            sums[best][2] += b;
        }
        List<NamedColour> colours = new ArrayList<>();
        for (int c = 0; c < NAMES.length; c++) {
            double share = counts[c] / 4096.0;
            if (share < 0.05) continue;
            colours.add(new NamedColour(NAMES[c], String.format("#%02x%02x%02x", sums[c][0] / counts[c], sums[c][1] / counts[c], sums[c][2] / counts[c]), share));
        }
        colours.sort((a, b) -> Double.compare(b.share(), a.share()));
        if (colours.size() > 4) colours = colours.subList(0, 4);
        return new Scene(frame.width(), frame.height(), luma / 4096 / 255, sharpness, colours);
    }

    private static long sq(int v) {
        return (long) v * v;
    }
}
