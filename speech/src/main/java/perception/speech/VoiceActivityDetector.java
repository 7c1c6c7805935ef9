package perception.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Endpointing for one audio stream with Silero VAD: feed 16 kHz mono samples in chunks of any
 * size; it runs the network on every 512-sample frame, carries the recurrent state, and reports
 * speech-start and speech-end events with timestamps (seconds from the start of the stream).
 * Hysteresis as in the reference implementation: speech starts above {@code threshold}, ends after
 * {@code minSilenceMs} below {@code threshold - 0.15}; events are widened by {@code speechPadMs}.
 * Not thread-safe: one detector per stream.
 */
public final class VoiceActivityDetector {

    /** Tuning. Defaults: threshold 0.5, 300 ms of silence ends speech, 30 ms padding. */
    public record Settings(float threshold, int minSilenceMs, int speechPadMs) {
        public Settings {
            if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
            if (minSilenceMs < 0 || speechPadMs < 0) throw new IllegalArgumentException("durations must not be negative");
        }

        public static Settings defaults() {
            return new Settings(0.5f, 300, 30);
        }
    }

    /** A change of state: speech started or ended at {@code seconds}. */
    public record Event(Type type, double seconds) {
        public enum Type { SPEECH_START, SPEECH_END }
    }

    @FunctionalInterface
    public interface Listener {
        void onEvent(Event event);
    }

    private final SileroVad model;
    private final Settings settings;
    private final float[] state = new float[SileroVad.STATE];
    private final float[] input = new float[SileroVad.CONTEXT + SileroVad.FRAME];
    private int filled;             // samples of the current frame in input[CONTEXT..]
    private long frames;            // frames processed
    private boolean speaking;
    private long silenceStartSample = -1;
    private float lastProbability;

    public VoiceActivityDetector(SileroVad model, Settings settings) {
        this.model = model;
        this.settings = settings;
    }

    /** Feeds samples; events found in them go to the listener, in order. */
    public void feed(float[] samples, int from, int to, Listener listener) {
        for (int i = from; i < to; ) {
            int n = Math.min(to - i, SileroVad.FRAME - filled);
            System.arraycopy(samples, i, input, SileroVad.CONTEXT + filled, n);
            filled += n;
            i += n;
            if (filled == SileroVad.FRAME) step(listener);
        }
    }

    public void feed(float[] samples, Listener listener) {
        feed(samples, 0, samples.length, listener);
    }

    /** Convenience: all events of a whole recording (an open speech segment is closed at the end). */
    public List<Event> detect(float[] samples) {
        List<Event> events = new ArrayList<>();
        feed(samples, events::add);
        if (speaking) {
            speaking = false;
            events.add(new Event(Event.Type.SPEECH_END, seconds(frames * SileroVad.FRAME)));
        }
        return events;
    }

    public boolean speaking() {
        return speaking;
    }

    /** Speech probability of the last frame. */
    public float lastProbability() {
        return lastProbability;
    }

    /** Forgets the stream: state, timing and context (the next sample is time 0 again). */
    public void reset() {
        java.util.Arrays.fill(state, 0);
        java.util.Arrays.fill(input, 0);
        filled = 0;
        frames = 0;
        speaking = false;
        silenceStartSample = -1;
    }

    private void step(Listener listener) {
        float p = model.probability(input, state);
        lastProbability = p;
        long frameStart = frames * SileroVad.FRAME;
        frames++;
        System.arraycopy(input, SileroVad.FRAME, input, 0, SileroVad.CONTEXT); // last 64 samples become context
        filled = 0;
        int pad = settings.speechPadMs() * SileroVad.SAMPLE_RATE / 1000;
        if (p >= settings.threshold()) {
            silenceStartSample = -1;
            if (!speaking) {
                speaking = true;
                listener.onEvent(new Event(Event.Type.SPEECH_START, seconds(Math.max(0, frameStart - pad))));
            }
        } else if (speaking && p < settings.threshold() - 0.15f) {
            if (silenceStartSample < 0) silenceStartSample = frameStart;
            long silence = frames * SileroVad.FRAME - silenceStartSample;
            if (silence >= (long) settings.minSilenceMs() * SileroVad.SAMPLE_RATE / 1000) {
                speaking = false;
                listener.onEvent(new Event(Event.Type.SPEECH_END, seconds(silenceStartSample + pad)));
                silenceStartSample = -1;
            }
        }
    }

    private static double seconds(long sample) {
        return sample / (double) SileroVad.SAMPLE_RATE;
    }
}
