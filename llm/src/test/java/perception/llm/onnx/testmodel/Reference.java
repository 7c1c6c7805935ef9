package perception.llm.onnx.testmodel;

/** The answers of the tiny models, computed in plain Java, independently of ONNX Runtime. */
public final class Reference {
    private Reference() {
    }

    /**
     * Next token of {@link TinyDecoders#checksum}: scalars[j] is the token id (or spliced feature
     * value) at position j = 0, 1, ... of the whole sequence so far.
     */
    public static int checksumNext(double[] scalars, int base, int modulus) {
        double total = 0;
        for (int j = 0; j < scalars.length; j++) total += scalars[j] * (j + 2);
        return base + (int) Math.floor(total % modulus);
    }

    /** First embedding component of row k of frame n in {@link TinyVision#visionEncoder}. */
    public static double featureScalar(int frame, int row, int rows, double frameMean, double maskMean) {
        return (frameMean + 1) * 100 + frame * rows + (row + 1) + (maskMean - 1) * 1000;
    }
}
