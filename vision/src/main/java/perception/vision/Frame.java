package perception.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A decoded image: 8-bit BGR pixels, row by row, no padding. Owned by plain Java (no native memory),
 * so frames can be queued, passed over the event bus and dropped without anything to close.
 */
public record Frame(int width, int height, byte[] bgr) {
    public Frame {
        if (width <= 0 || height <= 0 || bgr.length != width * height * 3) {
            throw new IllegalArgumentException("frame " + width + "x" + height + " needs " + (long) width * height * 3 + " bytes, got " + bgr.length);
        }
    }

    /** A copy of a continuous 8-bit 3-channel Mat. */
    public static Frame of(Mat bgrMat) {
        Mat m = bgrMat.isContinuous() ? bgrMat : bgrMat.clone();
        byte[] data = new byte[m.cols() * m.rows() * 3];
        m.data().get(data);
        if (m != bgrMat) m.close();
        return new Frame(bgrMat.cols(), bgrMat.rows(), data);
    }

    /** A new native Mat holding a copy of the pixels; the caller closes it. */
    public Mat toMat() {
        Mat m = new Mat(height, width, CV_8UC3);
        m.data().put(bgr);
        return m;
    }

    @Override
    public String toString() {
        return "Frame[" + width + "x" + height + "]";
    }
}
