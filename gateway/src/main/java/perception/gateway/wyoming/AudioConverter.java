package perception.gateway.wyoming;

import io.vertx.core.json.JsonObject;
import perception.gateway.core.ApiError;
import perception.speech.Pcm16;
import perception.speech.Resampler;

/**
 * Wyoming audio of any format to what the recognisers take, 16 kHz mono PCM16LE: samples of 1 to
 * 4 bytes (signed little-endian, as the wyoming library's audioop conversions read them),
 * interleaved channels averaged to mono, and the speech module's streaming {@link Resampler}.
 * A stream may change format between chunks; the old resampler is flushed first. Not thread-safe.
 */
final class AudioConverter {
    static final int RATE = 16000;
    static final int MIN_RATE = 8000;
    static final int MAX_RATE = 96000;
    static final int MAX_CHANNELS = 8;

    /** rate in Hz, width in bytes per sample, channels interleaved. */
    record Format(int rate, int width, int channels) {
        /** Reads rate/width/channels of an audio-start or audio-chunk event; a clear error when they are missing or odd. */
        static Format of(JsonObject data) {
            return new Format(whole(data, "rate", MIN_RATE, MAX_RATE), whole(data, "width", 1, 4), whole(data, "channels", 1, MAX_CHANNELS));
        }

        int frameBytes() {
            return width * channels;
        }

        JsonObject toJson() {
            return new JsonObject().put("rate", rate).put("width", width).put("channels", channels);
        }

        private static int whole(JsonObject data, String key, int min, int max) {
            Object v = data.getValue(key);
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
                throw ApiError.badRequest("unsupported_audio", "audio \"" + key + "\" must be a whole number from " + min + " to " + max
                        + ", got " + v + " (rate in Hz, width in bytes per sample, channels)");
            }
            return n.intValue();
        }
    }

    private Format format;
    private Resampler resampler;
    private double seconds;

    /** Seconds of audio converted so far. */
    double seconds() {
        return seconds;
    }

    /** Converts one chunk; the result may be empty while the resampler fills its window. */
    byte[] convert(Format f, byte[] pcm) {
        if (pcm.length % f.frameBytes() != 0) {
            throw ApiError.badRequest("invalid_audio", "an audio chunk of " + pcm.length + " bytes is not a whole number of "
                    + f.frameBytes() + "-byte frames (width " + f.width() + " x channels " + f.channels() + ")");
        }
        byte[] head = new byte[0];
        if (!f.equals(format)) {
            head = flush();
            format = f;
            resampler = f.rate() == RATE ? null : new Resampler(f.rate(), RATE);
        }
        float[] mono = mono(f, pcm);
        seconds += mono.length / (double) f.rate();
        float[] out = resampler == null ? mono : resampler.process(mono);
        byte[] body = Pcm16.encode(out, 0, out.length);
        if (head.length == 0) return body;
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** The resampler's tail at the end of a stream (or a format change). */
    byte[] flush() {
        Resampler r = resampler;
        resampler = null;
        format = null;
        if (r == null) return new byte[0];
        float[] tail = r.flush();
        return Pcm16.encode(tail, 0, tail.length);
    }

    static float[] mono(Format f, byte[] pcm) {
        int frames = pcm.length / f.frameBytes();
        float[] out = new float[frames];
        int w = f.width();
        for (int i = 0, p = 0; i < frames; i++) {
            float sum = 0;
            for (int c = 0; c < f.channels(); c++, p += w) sum += sample(pcm, p, w);
            out[i] = sum / f.channels();
        }
        return out;
    }

    private static float sample(byte[] b, int p, int width) {
        return switch (width) {
            case 1 -> b[p] / 128f;
            case 2 -> (short) ((b[p] & 0xff) | (b[p + 1] << 8)) / 32768f;
            case 3 -> ((b[p] & 0xff) | ((b[p + 1] & 0xff) << 8) | (b[p + 2] << 16)) / 8388608f;
            default -> ((b[p] & 0xff) | ((b[p + 1] & 0xff) << 8) | ((b[p + 2] & 0xff) << 16) | (b[p + 3] << 24)) / 2147483648f;
        };
    }
}
