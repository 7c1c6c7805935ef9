package perception.speech;

/**
 * Whisper's log-mel spectrogram, as Smart Turn v3 is fed it: the same numbers as pipecat's
 * {@code compute_whisper_log_mel_features} (itself the transformers {@code WhisperFeatureExtractor}
 * with {@code chunk_length=8}). 8 s at 16 kHz (shorter input is padded with zeros at the end;
 * callers left-pad, see {@link SmartTurnModel#window}), waveform scaled to zero mean and unit
 * variance, reflect-padded by 200, periodic Hann window of 400, hop 160, |rFFT|², 80 Slaney mel
 * filters (0–8 kHz), log10 floored at 1e-10, the last frame dropped, clamped to max − 8, then
 * (x + 4) / 4. Everything is computed in double, as numpy does, and returned as float.
 */
public final class WhisperFeatures {
    public static final int SAMPLE_RATE = 16000;
    public static final int N_FFT = 400;
    public static final int HOP = 160;
    public static final int N_MELS = 80;
    /** Samples in the window the model reads (8 s). */
    public static final int SAMPLES = SAMPLE_RATE * 8;
    /** Frames out: (SAMPLES / HOP + 1) minus the dropped last one. */
    public static final int FRAMES = SAMPLES / HOP;
    static final int BINS = N_FFT / 2 + 1;

    private static final double[] HANN = new double[N_FFT];
    /** Each mel filter as its first non-zero bin and its weights from there (the triangles are narrow: skip the zeros). */
    private static final int[] MEL_FIRST = new int[N_MELS];
    private static final double[][] MEL_WEIGHTS = new double[N_MELS][];
    private static final double[] COS = new double[N_FFT], SIN = new double[N_FFT];

    static {
        for (int i = 0; i < N_FFT; i++) {
            HANN[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / N_FFT); // np.hanning(401)[:-1], torch's periodic window
            COS[i] = Math.cos(2 * Math.PI * i / N_FFT);
            SIN[i] = -Math.sin(2 * Math.PI * i / N_FFT);
        }
        double[][] filters = melFilters();
        for (int m = 0; m < N_MELS; m++) {
            int first = 0, last = BINS - 1;
            while (first < BINS && filters[first][m] == 0) first++;
            while (last > first && filters[last][m] == 0) last--;
            MEL_FIRST[m] = Math.min(first, BINS - 1);
            MEL_WEIGHTS[m] = new double[Math.max(0, last - first + 1)];
            for (int f = first; f <= last && f < BINS; f++) MEL_WEIGHTS[m][f - first] = filters[f][m];
        }
    }

    private WhisperFeatures() {
    }

    /** The features of {@code audio[from, to)} (16 kHz, at most 8 s used), as [mel][frame] row-major, N_MELS × FRAMES. */
    public static float[] compute(float[] audio, int from, int to) {
        int n = Math.min(to - from, SAMPLES);
        // zero-mean unit-variance scaling of the padded 8 s (padding included, as the reference does), in float like numpy's float32 buffer
        double sum = 0;
        for (int i = 0; i < n; i++) sum += audio[from + i];
        float mean = (float) (sum / SAMPLES);
        double sq = 0;
        for (int i = 0; i < SAMPLES; i++) {
            double d = (i < n ? audio[from + i] : 0f) - (double) mean;
            sq += d * d;
        }
        float sd = (float) Math.sqrt((float) (sq / SAMPLES) + 1e-7f);
        float[] x = new float[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) x[i] = ((i < n ? audio[from + i] : 0f) - mean) / sd;

        double[] logMel = new double[N_MELS * FRAMES];
        double[] re = new double[N_FFT], im = new double[N_FFT], power = new double[BINS];
        double[] scratchRe = new double[N_FFT], scratchIm = new double[N_FFT];
        double max = Double.NEGATIVE_INFINITY;
        int pad = N_FFT / 2;
        for (int t = 0; t < FRAMES; t++) { // frame FRAMES (the last one of the reference) is dropped, as it drops it
            int start = t * HOP - pad;
            for (int k = 0; k < N_FFT; k++) {
                int j = start + k;
                if (j < 0) j = -j;                              // np.pad mode="reflect": mirrored without repeating the edge
                else if (j >= SAMPLES) j = 2 * (SAMPLES - 1) - j;
                scratchRe[k] = x[j] * HANN[k];
                scratchIm[k] = 0;
            }
            fft(scratchRe, scratchIm, 0, 1, N_FFT, re, im, 0);
            for (int b = 0; b < BINS; b++) power[b] = re[b] * re[b] + im[b] * im[b];
            for (int m = 0; m < N_MELS; m++) {
                double[] w = MEL_WEIGHTS[m];
                int f0 = MEL_FIRST[m];
                double s = 0;
                for (int i = 0; i < w.length; i++) s += w[i] * power[f0 + i];
                double v = Math.log10(Math.max(1e-10, s));
                logMel[m * FRAMES + t] = v;
                if (v > max) max = v;
            }
        }
        float[] out = new float[N_MELS * FRAMES];
        double floor = max - 8.0;
        for (int i = 0; i < out.length; i++) out[i] = (float) ((Math.max(logMel[i], floor) + 4.0) / 4.0);
        return out;
    }

    /**
     * Complex DFT of {@code n} inputs {@code in[off + j·stride]} into {@code out[outOff, outOff + n)}:
     * recursive mixed-radix decimation in time (400 = 2⁴·5², so no power-of-two FFT fits, and a
     * plain DFT would cost 20 times as much per frame).
     */
    private static void fft(double[] inRe, double[] inIm, int off, int stride, int n, double[] outRe, double[] outIm, int outOff) {
        if (n == 1) {
            outRe[outOff] = inRe[off];
            outIm[outOff] = inIm[off];
            return;
        }
        int p = n % 2 == 0 ? 2 : n % 5 == 0 ? 5 : n;
        int m = n / p;
        for (int r = 0; r < p; r++) fft(inRe, inIm, off + r * stride, stride * p, m, outRe, outIm, outOff + r * m);
        int step = N_FFT / n; // W_n^e = W_400^(e·400/n)
        double[] yr = new double[p], yi = new double[p];
        for (int k = 0; k < m; k++) {
            for (int r = 0; r < p; r++) {
                yr[r] = outRe[outOff + r * m + k];
                yi[r] = outIm[outOff + r * m + k];
            }
            for (int q = 0; q < p; q++) {
                int kk = k + q * m;
                double sr = 0, si = 0;
                for (int r = 0; r < p; r++) {
                    int e = (int) ((long) r * kk % n) * step;
                    double c = COS[e], s = SIN[e];
                    sr += yr[r] * c - yi[r] * s;
                    si += yr[r] * s + yi[r] * c;
                }
                outRe[outOff + kk] = sr;
                outIm[outOff + kk] = si;
            }
        }
    }

    /** Slaney-scale, Slaney-normalised triangular filters, [bin][mel], as transformers' mel_filter_bank builds them. */
    static double[][] melFilters() {
        double melMin = hzToMel(0), melMax = hzToMel(SAMPLE_RATE / 2.0);
        double[] filterHz = new double[N_MELS + 2];
        for (int i = 0; i < filterHz.length; i++) filterHz[i] = melToHz(melMin + (melMax - melMin) * i / (N_MELS + 1));
        double[][] f = new double[BINS][N_MELS];
        for (int b = 0; b < BINS; b++) {
            double hz = (double) (SAMPLE_RATE / 2) * b / (BINS - 1);
            for (int m = 0; m < N_MELS; m++) {
                double down = -(filterHz[m] - hz) / (filterHz[m + 1] - filterHz[m]);
                double up = (filterHz[m + 2] - hz) / (filterHz[m + 2] - filterHz[m + 1]);
                double enorm = 2.0 / (filterHz[m + 2] - filterHz[m]);
                f[b][m] = Math.max(0, Math.min(down, up)) * enorm;
            }
        }
        return f;
    }

    private static double hzToMel(double hz) {
        if (hz < 1000) return 3.0 * hz / 200.0;
        return 15.0 + Math.log(hz / 1000.0) * (27.0 / Math.log(6.4));
    }

    private static double melToHz(double mel) {
        if (mel < 15.0) return 200.0 * mel / 3.0;
        return 1000.0 * Math.exp(Math.log(6.4) / 27.0 * (mel - 15.0));
    }
}
