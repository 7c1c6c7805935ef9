package perception.speech;

/**
 * Mono audio as float samples in [-1, 1] at a sample rate. Immutable by convention: nobody writes
 * into {@link #samples()} after construction.
 */
public record Audio(float[] samples, int sampleRate) {

    public Audio {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be above 0, got " + sampleRate);
    }

    public double durationSeconds() {
        return samples.length / (double) sampleRate;
    }

    /** The same audio at another rate (windowed-sinc filter, see {@link Resampler}). */
    public Audio resample(int targetRate) {
        return targetRate == sampleRate ? this : new Audio(Resampler.resample(samples, sampleRate, targetRate), targetRate);
    }

    /** 16-bit signed little-endian PCM, clipped. */
    public byte[] toPcm16le() {
        return Pcm16.encode(samples, 0, samples.length);
    }

    public static Audio fromPcm16le(byte[] pcm, int sampleRate) {
        if (pcm.length % 2 != 0) throw new AudioFormatException("PCM16 data has an odd number of bytes (" + pcm.length + "): a 16-bit sample was cut");
        return new Audio(Pcm16.decode(pcm, 0, pcm.length), sampleRate);
    }

    /** Largest absolute sample value: 0 for digital silence. */
    public float peak() {
        float p = 0;
        for (float s : samples) p = Math.max(p, Math.abs(s));
        return p;
    }
}
