package perception.speech;

/**
 * One audio stream being recognised. Feed PCM16LE mono chunks in order; each call says what is
 * known so far. Not thread-safe for concurrent feeding, but {@link #close} may come from any
 * thread at any time (a client disconnects mid-chunk): it waits for the chunk in progress, then
 * frees the native recogniser; later calls fail with {@link IllegalStateException}.
 */
public interface TranscriptionSession extends AutoCloseable {

    /** Sample rate the session was opened with. */
    int sampleRate();

    /** Feeds 16-bit little-endian mono samples; {@code length} must be even. */
    Hypothesis feed(byte[] pcm16le, int offset, int length);

    default Hypothesis feed(byte[] pcm16le) {
        return feed(pcm16le, 0, pcm16le.length);
    }

    /** Feeds float samples in [-1, 1]. */
    default Hypothesis feed(float[] samples) {
        byte[] pcm = Pcm16.encode(samples, 0, samples.length);
        return feed(pcm, 0, pcm.length);
    }

    /** Ends the stream: the last utterance (possibly empty). The session can be fed again afterwards. */
    Utterance finish();

    /** Seconds of audio fed so far. */
    double secondsFed();

    @Override
    void close();
}
