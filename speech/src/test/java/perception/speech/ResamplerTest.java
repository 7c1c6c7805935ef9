package perception.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    static float[] tone(double hz, int rate, double seconds, double amplitude) {
        float[] s = new float[(int) (rate * seconds)];
        for (int i = 0; i < s.length; i++) s[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        return s;
    }

    /** Amplitude of the {@code hz} component (Goertzel-style correlation) over the middle of the signal. */
    static double amplitude(float[] s, int rate, double hz) {
        int from = s.length / 4, to = 3 * s.length / 4;
        double re = 0, im = 0;
        for (int i = from; i < to; i++) {
            re += s[i] * Math.cos(2 * Math.PI * hz * i / rate);
            im += s[i] * Math.sin(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.hypot(re, im) / (to - from);
    }

    static double rms(float[] s) {
        double sum = 0;
        for (int i = s.length / 4; i < 3 * s.length / 4; i++) sum += s[i] * s[i];
        return Math.sqrt(sum / (s.length / 2.0));
    }

    @Test
    void keepsThePassBandAtEveryCommonRate() {
        for (int rate : new int[]{8000, 11025, 22050, 24000, 44100, 48000}) {
            float[] out = Resampler.resample(tone(1000, rate, 1, 0.5), rate, 16000);
            assertEquals(16000, out.length, 1, "length for " + rate);
            assertEquals(0.5, amplitude(out, 16000, 1000), 0.01, "1 kHz amplitude after " + rate + " -> 16000");
        }
    }

    @Test
    void filtersWhatWouldAliasWhenDownsampling() {
        // 10 kHz at 48 kHz would fold to 6 kHz at 16 kHz if samples were just dropped.
        float[] in = tone(10_000, 48000, 1, 0.5);
        float[] out = Resampler.resample(in, 48000, 16000);
        assertTrue(rms(out) < 0.005, "alias energy " + rms(out));
        float[] dropped = new float[in.length / 3];
        for (int i = 0; i < dropped.length; i++) dropped[i] = in[i * 3];
        assertTrue(rms(dropped) > 0.3, "sample dropping does alias (sanity check of the measure)");
    }

    @Test
    void doesNotImageWhenUpsampling() {
        float[] out = Resampler.resample(tone(3000, 8000, 1, 0.5), 8000, 16000);
        assertEquals(0.5, amplitude(out, 16000, 3000), 0.01);
        assertTrue(amplitude(out, 16000, 5000) < 0.005, "image at 5 kHz: " + amplitude(out, 16000, 5000));
    }

    @Test
    void chunkedStreamingEqualsOneShot() {
        Random random = new Random(42);
        float[] in = new float[44100];
        for (int i = 0; i < in.length; i++) in[i] = (float) random.nextGaussian() * 0.1f;
        for (int[] rates : new int[][]{{44100, 16000}, {8000, 16000}, {16000, 24000}, {12345, 16000}}) {
            float[] oneShot = Resampler.resample(in, rates[0], rates[1]);
            Resampler r = new Resampler(rates[0], rates[1]);
            float[] streamed = new float[0];
            for (int i = 0; i < in.length; ) {
                int n = Math.min(in.length - i, 1 + random.nextInt(3000));
                streamed = concat(streamed, r.process(in, i, i + n));
                i += n;
            }
            streamed = concat(streamed, r.flush());
            assertArrayEquals(oneShot, streamed, 1e-5f, rates[0] + " -> " + rates[1]);
            assertEquals((long) Math.ceil(in.length * (double) rates[1] / rates[0]), oneShot.length, 1);
        }
    }

    static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
