package perception.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns of a live conversation: Silero VAD decides when the user starts and stops speaking, and
 * only that stretch — plus {@code prefixPaddingMs} of audio from just before the start — is fed to
 * the recogniser, which finishes the utterance when speech stops. With VAD off, everything is
 * recognised and the caller ends a turn with {@link #commit}. Feed 16 kHz mono samples in chunks
 * of any size. Not thread-safe: one per stream; {@link #close} frees the recogniser.
 */
public final class TurnDetector implements AutoCloseable {

    /** VAD off means manual turns; silenceMs ends a turn; prefixPaddingMs of audio before speech is kept. */
    public record Settings(boolean vad, float threshold, int prefixPaddingMs, int silenceMs) {
        public Settings {
            if (prefixPaddingMs < 0 || prefixPaddingMs > 5000) throw new IllegalArgumentException("prefix_padding_ms must be 0 to 5000, got " + prefixPaddingMs);
            if (silenceMs < 0 || silenceMs > 10000) throw new IllegalArgumentException("silence_duration_ms must be 0 to 10000, got " + silenceMs);
            if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold must be between 0 and 1, got " + threshold);
        }

        public static Settings defaults() {
            return new Settings(true, 0.5f, 300, 500);
        }
    }

    /** What happened in the audio just fed, in order. Times are milliseconds from the stream start. */
    public sealed interface Event {
        record SpeechStarted(long audioMs) implements Event {
        }

        record Partial(String text) implements Event {
        }

        record SpeechStopped(long audioMs) implements Event {
        }

        record Final(Utterance utterance) implements Event {
        }
    }

    private static final int RATE = SileroVad.SAMPLE_RATE;
    /** Audio goes to the recogniser in pieces of this many samples (100 ms): fewer, cheaper calls. */
    private static final int ASR_PIECE = RATE / 10;

    private final Settings settings;
    private final VoiceActivityDetector vad;
    private final TranscriptionSession asr;
    private final float[] prefix;      // ring buffer of the audio before speech starts
    private int prefixFill;
    private int prefixPos;
    private final float[] piece = new float[ASR_PIECE];
    private int pieceFill;
    private long samples;              // fed so far
    private String lastPartial = "";
    private boolean inTurn;
    /** Utterances Vosk already ended inside the current turn (it endpoints on its own in long turns). */
    private final List<Utterance> done = new ArrayList<>();

    public TurnDetector(SileroVad model, Transcriber transcriber, Settings settings) {
        this.settings = settings;
        this.vad = settings.vad() ? new VoiceActivityDetector(model, new VoiceActivityDetector.Settings(settings.threshold(), settings.silenceMs(), 30)) : null;
        this.asr = transcriber.open(RATE, true);
        this.prefix = new float[settings.prefixPaddingMs() * RATE / 1000];
        this.inTurn = !settings.vad();
    }

    /** Whether the user is speaking now (with VAD off: always, between commits). */
    public boolean inTurn() {
        return inTurn;
    }

    public long audioMs() {
        return samples * 1000 / RATE;
    }

    public List<Event> feed(float[] audio) {
        List<Event> events = new ArrayList<>();
        if (vad == null) {
            toRecogniser(audio, 0, audio.length, events);
            samples += audio.length;
            return events;
        }
        // one VAD frame at a time, so the recogniser gets exactly the samples of the turn
        for (int i = 0; i < audio.length; i += SileroVad.FRAME) {
            int to = Math.min(audio.length, i + SileroVad.FRAME);
            boolean[] stopped = {false};
            vad.feed(audio, i, to, e -> {
                if (e.type() == VoiceActivityDetector.Event.Type.SPEECH_START && !inTurn) {
                    inTurn = true;
                    events.add(new Event.SpeechStarted(Math.max(0, audioMs() - settings.prefixPaddingMs())));
                    drainPrefixTo(events);
                } else if (e.type() == VoiceActivityDetector.Event.Type.SPEECH_END && inTurn) {
                    stopped[0] = true;
                }
            });
            if (inTurn) toRecogniser(audio, i, to, events);
            else remember(audio, i, to);
            samples += to - i;
            if (stopped[0]) {
                events.add(new Event.SpeechStopped(audioMs()));
                events.add(finishTurn());
            }
        }
        return events;
    }

    /** Ends the current turn now (manual turn detection, or the client committed early). */
    public Event.Final commit() {
        return finishTurn();
    }

    /** Drops the audio of the current turn without recognising it. */
    public void clear() {
        pieceFill = 0;
        prefixFill = 0;
        asr.finish();
        done.clear();
        lastPartial = "";
        if (vad != null) inTurn = false;
    }

    private Event.Final finishTurn() {
        flushPiece(null);
        done.add(asr.finish());
        List<Word> words = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Utterance u : done) {
            if (u.isEmpty()) continue;
            if (text.length() > 0) text.append(' ');
            text.append(u.text());
            words.addAll(u.words());
        }
        done.clear();
        lastPartial = "";
        inTurn = vad == null;
        return new Event.Final(new Utterance(text.toString(), words));
    }

    private void remember(float[] audio, int from, int to) {
        if (prefix.length == 0) return;
        for (int i = from; i < to; i++) {
            prefix[prefixPos] = audio[i];
            prefixPos = (prefixPos + 1) % prefix.length;
            prefixFill = Math.min(prefix.length, prefixFill + 1);
        }
    }

    private void drainPrefixTo(List<Event> events) {
        float[] before = new float[prefixFill];
        int start = (prefixPos - prefixFill + prefix.length) % Math.max(1, prefix.length);
        for (int i = 0; i < prefixFill; i++) before[i] = prefix[(start + i) % prefix.length];
        prefixFill = 0;
        toRecogniser(before, 0, before.length, events);
    }

    private void toRecogniser(float[] audio, int from, int to, List<Event> events) {
        for (int i = from; i < to; ) {
            int n = Math.min(to - i, ASR_PIECE - pieceFill);
            System.arraycopy(audio, i, piece, pieceFill, n);
            pieceFill += n;
            i += n;
            if (pieceFill == ASR_PIECE) flushPiece(events);
        }
    }

    private void flushPiece(List<Event> events) {
        if (pieceFill == 0) return;
        byte[] pcm = Pcm16.encode(piece, 0, pieceFill);
        pieceFill = 0;
        Hypothesis h = asr.feed(pcm, 0, pcm.length);
        if (h instanceof Hypothesis.Final f && !f.utterance().isEmpty()) done.add(f.utterance());
        if (events == null) return;
        StringBuilder sofar = new StringBuilder();
        for (Utterance u : done) sofar.append(u.text()).append(' ');
        if (h instanceof Hypothesis.Partial p) sofar.append(p.text());
        String text = sofar.toString().strip();
        if (!text.isEmpty() && !text.equals(lastPartial)) {
            lastPartial = text;
            events.add(new Event.Partial(text));
        }
    }

    @Override
    public void close() {
        asr.close();
    }
}
