package perception.speech;

/**
 * Text to speech, streamed sentence by sentence: each sentence's audio reaches the sink as soon
 * as it is made, so playback can start before the whole text is spoken.
 */
public interface Synthesizer extends AutoCloseable {

    /** Receives the audio of one sentence: 16-bit little-endian mono PCM at the requested rate. */
    @FunctionalInterface
    interface SentenceSink {
        void accept(byte[] pcm16le);
    }

    /**
     * Speaks {@code text} at {@code sampleRate} Hz (8000 to 48000) and {@code speed} (1 = normal,
     * 0.25 to 4). Blocks until done; the sink is called on the calling thread. Returns the number
     * of PCM bytes produced.
     */
    default long synthesize(String text, int sampleRate, double speed, SentenceSink sink) {
        return synthesize(text, sampleRate, speed, Double.POSITIVE_INFINITY, sink);
    }

    /**
     * As {@link #synthesize(String, int, double, SentenceSink)}, making at most {@code maxSeconds} of
     * audio: past it the synthesis stops and throws {@link SpeechTooLongException}, so memory stays
     * bounded even for one long sentence (what reached the sink before stays delivered).
     */
    long synthesize(String text, int sampleRate, double speed, double maxSeconds, SentenceSink sink);

    /** The arguments every voice takes, checked the same way (IllegalArgumentException saying what is wrong). */
    static void checkArguments(String text, int sampleRate, double speed, double maxSeconds) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("the text to speak is empty");
        if (!(maxSeconds > 0)) throw new IllegalArgumentException("the most seconds of audio must be above 0, got " + maxSeconds);
        if (sampleRate < 8000 || sampleRate > 48000) throw new IllegalArgumentException("sample rate must be between 8000 and 48000 Hz, got " + sampleRate);
        if (!(speed >= 0.25 && speed <= 4.0)) throw new IllegalArgumentException("speed must be between 0.25 and 4.0, got " + speed);
    }

    /** Voice name for logs and APIs. */
    String voice();

    @Override
    void close();
}
