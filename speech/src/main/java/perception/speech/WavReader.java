package perception.speech;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads RIFF/WAVE (and RF64-less WAVE_FORMAT_EXTENSIBLE) files: integer PCM of 8, 16, 24 or 32
 * bits and 32/64-bit float, any rate and channel count, down-mixed to mono. Streaming writers
 * put 0 or 0xFFFFFFFF in the size fields; the data chunk then runs to the end of the file.
 */
final class WavReader {
    private static final int PCM = 1;
    private static final int FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;

    private WavReader() {
    }

    static boolean looksLikeWav(byte[] b) {
        return b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'A' && b[10] == 'V' && b[11] == 'E';
    }

    static Audio read(byte[] bytes) {
        return read(bytes, Double.MAX_VALUE);
    }

    /** Reads the file, refusing (before decoding a sample) one whose data chunk lasts longer than maxSeconds. */
    static Audio read(byte[] bytes, double maxSeconds) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(12);
        int format = -1, channels = 0, rate = 0, bits = 0, blockAlign = 0;
        while (b.remaining() >= 8) {
            String id = new String(bytes, b.position(), 4, java.nio.charset.StandardCharsets.US_ASCII);
            b.position(b.position() + 4);
            long size = Integer.toUnsignedLong(b.getInt());
            if (id.equals("fmt ")) {
                if (size < 16 || b.remaining() < 16) throw new AudioFormatException("WAV fmt chunk is truncated");
                int start = b.position();
                format = b.getShort() & 0xffff;
                channels = b.getShort() & 0xffff;
                rate = b.getInt();
                b.getInt(); // byte rate
                blockAlign = b.getShort() & 0xffff;
                bits = b.getShort() & 0xffff;
                if (format == EXTENSIBLE && size >= 40 && b.remaining() >= 24) {
                    b.position(start + 24);
                    format = b.getShort() & 0xffff; // first two bytes of the sub-format GUID
                }
                b.position((int) Math.min(b.limit(), start + size + (size & 1)));
            } else if (id.equals("data")) {
                if (format < 0) throw new AudioFormatException("WAV data chunk comes before the fmt chunk");
                long available = b.remaining();
                long length = size == 0 || size == 0xFFFFFFFFL || size > available ? available : size;
                return decode(bytes, b.position(), (int) length, format, channels, rate, bits, blockAlign, maxSeconds);
            } else {
                if (size > b.remaining()) break;
                b.position((int) (b.position() + size + ((size & 1) == 1 && b.remaining() > size ? 1 : 0)));
            }
        }
        throw new AudioFormatException("WAV file has no data chunk (truncated?)");
    }

    private static Audio decode(byte[] bytes, int offset, int length, int format, int channels, int rate, int bits, int blockAlign, double maxSeconds) {
        if (channels <= 0 || channels > 64) throw new AudioFormatException("WAV has " + channels + " channels; expected 1 to 64");
        if (rate < 1000 || rate > 768_000) throw new AudioFormatException("WAV sample rate " + rate + " Hz is out of range (1000 to 768000)");
        boolean ok = format == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32)
                || format == FLOAT && (bits == 32 || bits == 64);
        if (!ok) throw new AudioFormatException("unsupported WAV encoding (format tag " + format + ", " + bits
                + " bits); send 8/16/24/32-bit integer PCM or 32/64-bit float, or a compressed format");
        int bytesPerSample = bits / 8;
        int frameBytes = Math.max(blockAlign, bytesPerSample * channels);
        int frames = length / frameBytes;
        if (frames / (double) rate > maxSeconds) throw AudioDecoder.tooLong(maxSeconds);
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        float[] mono = new float[frames];
        for (int f = 0; f < frames; f++) {
            int base = offset + f * frameBytes;
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                int p = base + c * bytesPerSample;
                sum += sample(b, bytes, p, format, bits);
            }
            mono[f] = (float) (sum / channels);
        }
        return new Audio(mono, rate);
    }

    private static double sample(ByteBuffer b, byte[] bytes, int p, int format, int bits) {
        if (format == FLOAT) return bits == 32 ? b.getFloat(p) : b.getDouble(p);
        return switch (bits) {
            case 8 -> ((bytes[p] & 0xff) - 128) / 128.0;           // 8-bit WAV is unsigned
            case 16 -> b.getShort(p) / 32768.0;
            case 24 -> ((bytes[p] & 0xff) | (bytes[p + 1] & 0xff) << 8 | bytes[p + 2] << 16) / 8388608.0;
            default -> b.getInt(p) / 2147483648.0;
        };
    }
}
