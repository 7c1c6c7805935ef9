package perception.speech;

/**
 * Conversions between float samples and 16-bit signed little-endian PCM. Both directions scale by
 * 32768, so PCM16 → float → PCM16 is lossless (the gateway's output equals Vosk fed the raw bytes).
 */
public final class Pcm16 {
    private Pcm16() {
    }

    public static byte[] encode(float[] samples, int from, int to) {
        byte[] out = new byte[(to - from) * 2];
        for (int i = from, j = 0; i < to; i++, j += 2) {
            int v = Math.round(samples[i] * 32768f);
            v = Math.max(-32768, Math.min(32767, v));
            out[j] = (byte) v;
            out[j + 1] = (byte) (v >> 8);
        }
        return out;
    }

    public static float[] decode(byte[] pcm, int offset, int length) {
        float[] out = new float[length / 2];
        for (int i = 0, j = offset; i < out.length; i++, j += 2) {
            out[i] = (short) ((pcm[j] & 0xff) | (pcm[j + 1] << 8)) / 32768f;
        }
        return out;
    }
}
