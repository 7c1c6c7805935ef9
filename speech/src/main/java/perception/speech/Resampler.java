package perception.speech;

/**
 * Sample-rate conversion with a Kaiser-windowed sinc low-pass (polyphase for rational ratios), so
 * down-sampling does not alias and up-sampling does not image. Streaming: {@link #process} takes
 * chunks of any size and returns what can be computed so far, keeping the filter history between
 * calls; {@link #flush} pads the end with zeros. The output of chunked use equals the one-shot
 * {@link #resample}.
 */
public final class Resampler {
    /** Zero crossings of the sinc on each side: 16 gives more than 80 dB of stop-band attenuation with beta 8.5. */
    private static final int ZERO_CROSSINGS = 16;
    private static final double KAISER_BETA = 8.5;
    private static final int MAX_PHASES = 4096;

    private final int inRate;
    private final int outRate;
    private final int up;     // L: output step in the common time grid
    private final int down;   // M: input step
    private final int half;   // filter half-length in input samples
    private final float[][] phases; // [phase][2*half] taps, or null when computed on the fly
    private final double cutoff;    // relative to the input Nyquist

    private float[] pending = new float[0];  // input not yet consumed, starting at index pendingStart
    private long pendingStart;               // absolute input index of pending[0]
    private long nextOut;                    // absolute index of the next output sample
    private long inputSeen;                  // absolute input samples received

    public Resampler(int inRate, int outRate) {
        if (inRate <= 0 || outRate <= 0) throw new IllegalArgumentException("sample rates must be above 0: " + inRate + " -> " + outRate);
        this.inRate = inRate;
        this.outRate = outRate;
        int g = gcd(inRate, outRate);
        this.up = outRate / g;
        this.down = inRate / g;
        this.cutoff = Math.min(1.0, (double) outRate / inRate) * 0.97;
        this.half = (int) Math.ceil(ZERO_CROSSINGS / cutoff);
        if (up <= MAX_PHASES) {
            phases = new float[up][2 * half];
            for (int p = 0; p < up; p++) {
                double frac = (double) p / up;
                for (int k = 0; k < 2 * half; k++) phases[p][k] = (float) tap(k - half + 1 - frac);
            }
        } else {
            phases = null;
        }
        pending = new float[half]; // zeros before the first sample, so output 0 is centred on input 0
        pendingStart = -half;
    }

    /** One-shot conversion of a whole signal. */
    public static float[] resample(float[] in, int inRate, int outRate) {
        if (inRate == outRate) return in.clone();
        Resampler r = new Resampler(inRate, outRate);
        float[] a = r.process(in);
        float[] b = r.flush();
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    public int inRate() {
        return inRate;
    }

    public int outRate() {
        return outRate;
    }

    /** Feeds input samples; returns every output sample whose filter window is now complete. */
    public float[] process(float[] in) {
        return process(in, 0, in.length);
    }

    public float[] process(float[] in, int from, int to) {
        append(in, from, to);
        inputSeen += to - from;
        return produce(pendingStart + pending.length);
    }

    /** Ends the stream: output for the remaining input, as if zeros followed it. */
    public float[] flush() {
        long total = outputLength(inputSeen);
        append(new float[half + 1], 0, half + 1);
        float[] rest = produce(pendingStart + pending.length);
        int n = (int) Math.max(0, Math.min(rest.length, total - (nextOut - rest.length)));
        if (n == rest.length) return rest;
        float[] cut = new float[n];
        System.arraycopy(rest, 0, cut, 0, n);
        return cut;
    }

    private long outputLength(long inputLength) {
        return (inputLength * up + down - 1) / down;
    }

    /** Computes outputs while the window [centre-half+1, centre+half] lies inside the buffered input. */
    private float[] produce(long availableEnd) {
        float[] out = new float[(int) Math.max(0, (availableEnd - half) * up / down - nextOut + 2)];
        int n = 0;
        while (true) {
            long pos = nextOut * down;         // position in the common grid
            long centre = Math.floorDiv(pos, up);
            int phase = (int) Math.floorMod(pos, (long) up);
            long first = centre - half + 1;
            long last = centre + half;
            if (last >= availableEnd) break;
            int base = (int) (first - pendingStart);
            double acc = 0;
            if (phases != null) {
                float[] taps = phases[phase];
                for (int k = 0; k < taps.length; k++) acc += taps[k] * pending[base + k];
            } else {
                double frac = (double) phase / up;
                for (int k = 0; k < 2 * half; k++) acc += tap(k - half + 1 - frac) * pending[base + k];
            }
            if (n == out.length) out = java.util.Arrays.copyOf(out, out.length * 2 + 1);
            out[n++] = (float) acc;
            nextOut++;
        }
        long keepFrom = Math.floorDiv(nextOut * down, up) - half + 1;
        int drop = (int) Math.max(0, keepFrom - pendingStart);
        if (drop > 0) {
            pending = java.util.Arrays.copyOfRange(pending, drop, pending.length);
            pendingStart += drop;
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    private void append(float[] in, int from, int to) {
        float[] merged = java.util.Arrays.copyOf(pending, pending.length + (to - from));
        System.arraycopy(in, from, merged, pending.length, to - from);
        pending = merged;
    }

    /** Windowed-sinc low-pass tap at distance x input samples from the output instant. */
    private double tap(double x) {
        double w = x / half;
        if (Math.abs(w) >= 1) return 0;
        double window = bessel0(KAISER_BETA * Math.sqrt(1 - w * w)) / bessel0(KAISER_BETA);
        double t = Math.PI * cutoff * x;
        double sinc = Math.abs(t) < 1e-9 ? 1 : Math.sin(t) / t;
        return cutoff * sinc * window;
    }

    private static double bessel0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 50; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-12 * sum) break;
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }
}
