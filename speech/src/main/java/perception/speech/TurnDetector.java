package perception.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns of a live conversation: Silero VAD decides when the user starts and stops speaking, and
 * only that stretch — plus {@code prefixPaddingMs} of audio from just before the start — is fed to
 * the recogniser. When the voice stops for {@link #PAUSE_MS} the recogniser is finalised at once
 * ({@link Event.Pause}, with the words so far, so a caller may start an answer speculatively) and
 * the silence window is chosen from those words ({@link TurnEndPolicy}), or, with
 * {@link ModelEnds}, the turn model judges the sound of the last 8 s then and as the silence grows
 * ({@link Event.Judged}); if the voice comes back
 * within the window the turn goes on ({@link Event.Resumed}: drop anything speculative), else the
 * turn ends ({@link Event.SpeechStopped}, then {@link Event.Final} with no further recognition).
 * With VAD off, everything is recognised and the caller ends a turn with {@link #commit}. Feed 16
 * kHz mono samples in chunks of any size. Not thread-safe: one per stream; {@link #close} frees the
 * recogniser.
 */
public final class TurnDetector implements AutoCloseable {
    /** Silence after which recognition is finalised and a turn's end is considered. */
    public static final int PAUSE_MS = 96;

    /**
     * VAD off means manual turns; {@code ends} picks the silence that ends a turn from the words;
     * prefixPaddingMs of audio before speech is kept. With {@code model} set, the sound decides
     * instead ({@link ModelEnds}) and {@code ends} is not used.
     */
    public record Settings(boolean vad, float threshold, int prefixPaddingMs, TurnEndPolicy ends, ModelEnds model) {
        public Settings {
            if (prefixPaddingMs < 0 || prefixPaddingMs > 5000) throw new IllegalArgumentException("prefix_padding_ms must be 0 to 5000, got " + prefixPaddingMs);
            if (ends.unfinishedMs() > 10000) throw new IllegalArgumentException("silence_duration_ms must be 0 to 10000, got " + ends.unfinishedMs());
            if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("threshold must be between 0 and 1, got " + threshold);
        }

        /** The word rules pick the window. */
        public Settings(boolean vad, float threshold, int prefixPaddingMs, TurnEndPolicy ends) {
            this(vad, threshold, prefixPaddingMs, ends, null);
        }

        /** One silence window whatever was said. */
        public Settings(boolean vad, float threshold, int prefixPaddingMs, int silenceMs) {
            this(vad, threshold, prefixPaddingMs, checkedFixed(silenceMs));
        }

        private static TurnEndPolicy checkedFixed(int silenceMs) {
            if (silenceMs < 0 || silenceMs > 10000) throw new IllegalArgumentException("silence_duration_ms must be 0 to 10000, got " + silenceMs);
            return TurnEndPolicy.fixed(silenceMs);
        }

        /** The longest silence a turn may hold. */
        public int silenceMs() {
            return model != null ? model.maxSilenceMs() : ends.unfinishedMs();
        }

        /** Threshold 0.5, 300 ms prefix, 200 ms of silence after a complete question or command, else 500 ms. */
        public static Settings defaults() {
            return new Settings(true, 0.5f, 300, new TurnEndPolicy(200, 500, 500));
        }
    }

    /**
     * End of turn from the sound (Smart Turn v3): at the pause (about {@link #PAUSE_MS} of silence)
     * the model reads the last 8 s of the turn; a probability of at least {@code threshold} ends the
     * turn at once, anything less waits and asks again every {@code recheckMs} of further silence,
     * and {@code maxSilenceMs} of silence ends the turn whatever the model says. With
     * {@code wordVeto}, a "complete" whose words end on a hanging word ("and", "the", "um": see
     * {@link TurnEndPolicy}) waits for the next check instead.
     */
    public record ModelEnds(SmartTurnModel model, float threshold, int recheckMs, int maxSilenceMs, boolean wordVeto) {
        public ModelEnds {
            if (!(threshold > 0 && threshold < 1)) throw new IllegalArgumentException("turn model threshold must be between 0 and 1, got " + threshold);
            if (recheckMs < 32 || recheckMs > 5000) throw new IllegalArgumentException("turn model recheck must be 32 to 5000 ms, got " + recheckMs);
            if (maxSilenceMs < PAUSE_MS || maxSilenceMs > 10000) throw new IllegalArgumentException("turn model max silence must be " + PAUSE_MS + " to 10000 ms, got " + maxSilenceMs);
        }
    }

    /** What happened in the audio just fed, in order. Times are milliseconds from the stream start. */
    public sealed interface Event {
        record SpeechStarted(long audioMs) implements Event {
        }

        record Partial(String text) implements Event {
        }

        /** The voice stopped at {@code speechEndMs}; recognition so far is final; the turn ends after {@code windowMs} of silence. */
        record Pause(long audioMs, long speechEndMs, Utterance soFar, int windowMs) implements Event {
        }

        /** The voice came back before the window closed: the turn goes on. */
        record Resumed(long audioMs) implements Event {
        }

        /** The turn ended at {@code audioMs}; the last voiced audio was at {@code speechEndMs}. */
        record SpeechStopped(long audioMs, long speechEndMs) implements Event {
        }

        record Final(Utterance utterance) implements Event {
        }

        /** The turn model judged the turn at {@code audioMs} (after {@code silenceMs} of silence): {@code probability} that it is complete, {@code costMs} of CPU. */
        record Judged(long audioMs, long silenceMs, float probability, boolean complete, double costMs) implements Event {
        }
    }

    private static final int RATE = SileroVad.SAMPLE_RATE;
    /** Audio goes to the recogniser in pieces of this many samples (100 ms): fewer, cheaper calls. */
    private static final int ASR_PIECE = RATE / 10;
    /** Turns longer than this (samples) are not recognised again after a pause: the cost would grow with every pause. */
    private static final int MAX_REHEAR = RATE * 20;
    /** Gaps shorter than this may be inside a word: the turn is recognised again when the voice comes back. */
    static final int REHEAR_BELOW_MS = 250;

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
    /** Utterances already ended inside the current turn (by Vosk's own endpointing, or at a pause). */
    private final List<Utterance> done = new ArrayList<>();
    /** In a pause: recognition is final; the audio since is held back until the voice returns. */
    private boolean paused;
    private long speechEndMs;
    private int windowMs;
    private final List<float[]> held = new ArrayList<>();
    /** The audio of the current turn, to recognise again when the voice comes back after a pause. */
    private float[] turnAudio = new float[RATE * 4];
    private int turnFill;
    /**
     * For the turn model: the last 8 s of the stream, a ring; only allocated with a model. Not
     * cleared when a turn ends: a speaker whose pause was taken for the end and who goes on is
     * judged with what they said before it (judged from the new words alone, "ask not" after
     * "And so, my fellow Americans," sounded finished as the silence grew: 0.88 at 700 ms, against
     * 0.18 with the sentence before it).
     */
    private final float[] recent;
    private int recentFill;
    private int recentPos;
    /** In a pause with a model: the silence (ms) at which it judges next. */
    private long nextJudgeMs;

    public TurnDetector(SileroVad model, Transcriber transcriber, Settings settings) {
        this.settings = settings;
        int pauseMs = Math.min(PAUSE_MS, settings.ends().completeMs());
        this.vad = settings.vad() ? new VoiceActivityDetector(model, new VoiceActivityDetector.Settings(settings.threshold(), pauseMs, 0)) : null;
        this.asr = transcriber.open(RATE, true);
        this.prefix = new float[settings.prefixPaddingMs() * RATE / 1000];
        this.inTurn = !settings.vad();
        this.recent = settings.model() != null && settings.vad() ? new float[SmartTurnModel.WINDOW] : null;
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
            boolean[] pausedNow = {false}, resumed = {false};
            long[] silenceFrom = {0};
            vad.feed(audio, i, to, e -> {
                if (e.type() == VoiceActivityDetector.Event.Type.SPEECH_START) {
                    if (!inTurn) {
                        inTurn = true;
                        events.add(new Event.SpeechStarted(Math.max(0, audioMs() - settings.prefixPaddingMs())));
                        drainPrefixTo(events);
                    } else if (paused) {
                        resumed[0] = true;
                    }
                } else if (e.type() == VoiceActivityDetector.Event.Type.SPEECH_END && inTurn && !paused) {
                    pausedNow[0] = true;
                    silenceFrom[0] = Math.round(e.seconds() * 1000);
                }
            });
            if (resumed[0]) resume(events);
            record(audio, i, to);
            if (!inTurn) remember(audio, i, to);
            else {
                if (paused) held.add(java.util.Arrays.copyOfRange(audio, i, to));
                else {
                    keep(audio, i, to);
                    toRecogniser(audio, i, to, events);
                }
            }
            samples += to - i;
            if (pausedNow[0]) pause(silenceFrom[0], events);
            if (paused && recent != null && audioMs() - speechEndMs >= nextJudgeMs && audioMs() - speechEndMs < windowMs) judge(events);
            if (paused && audioMs() - speechEndMs >= windowMs) {
                events.add(new Event.SpeechStopped(audioMs(), speechEndMs));
                events.add(finishTurn());
            }
        }
        return events;
    }

    /** The voice stopped: finalise what was said, so an answer can start while we wait to see whether the turn is over. */
    private void pause(long silenceFromMs, List<Event> events) {
        flushPiece(events);
        String running = lastPartial;
        Utterance last = asr.finish();
        if (!last.isEmpty()) done.add(last);
        paused = true;
        speechEndMs = silenceFromMs;
        Utterance soFar = joined();
        // the final result is rescored as if the sentence ended there ("remind me to" becomes "remind
        // me too", "like in" can become "lichen"), and the boundary the VAD found can move by a frame
        // with the floating-point noise of a loaded machine: unless the running hypothesis lags (fewer
        // words: its last word is not heard yet), the more patient of the two readings wins, so a
        // hanging last word in either one keeps the turn open
        if (recent != null) {
            // the sound decides (judge() runs right after this, in the same frame); the words only as a veto, if asked
            windowMs = settings.model().maxSilenceMs();
            nextJudgeMs = 0;
            pausedText = words(running) >= words(soFar.text()) && TurnEndPolicy.judge(running) == TurnEndPolicy.Kind.UNFINISHED ? running : soFar.text();
        } else {
            windowMs = settings.ends().silenceMs(soFar.text());
            if (words(running) >= words(soFar.text())) windowMs = Math.max(windowMs, settings.ends().silenceMs(running));
        }
        events.add(new Event.Pause(audioMs(), speechEndMs, soFar, windowMs));
    }

    /** The words at the pause (the more patient reading), for the turn model's word veto. */
    private String pausedText = "";

    /**
     * Asks the turn model whether the turn is over. "Complete" closes the window now (the caller's
     * loop ends the turn in this frame); otherwise the next check is {@code recheckMs} later. One
     * decision at a time: it runs inline, on the thread feeding this detector.
     */
    private void judge(List<Event> events) {
        ModelEnds m = settings.model();
        long silence = audioMs() - speechEndMs;
        long t0 = System.nanoTime();
        int n = Math.min(recentFill, recent.length);
        float[] window = new float[n];
        int start = (recentPos - n + recent.length) % recent.length;
        for (int k = 0; k < n; k++) window[k] = recent[(start + k) % recent.length];
        float p = m.model().probability(window, 0, n);
        boolean complete = p >= m.threshold();
        if (complete && m.wordVeto() && TurnEndPolicy.judge(pausedText) == TurnEndPolicy.Kind.UNFINISHED) complete = false;
        events.add(new Event.Judged(audioMs(), silence, p, complete, (System.nanoTime() - t0) / 1e6));
        if (complete) windowMs = (int) silence;
        else nextJudgeMs = silence + m.recheckMs();
    }

    /** Keeps the stream's audio for the turn model: the last 8 s only. */
    private void record(float[] audio, int from, int to) {
        if (recent == null) return;
        for (int k = from; k < to; k++) {
            recent[recentPos] = audio[k];
            recentPos = (recentPos + 1) % recent.length;
        }
        recentFill = Math.min(recent.length, recentFill + (to - from));
    }

    /**
     * The voice came back within the window, so the turn goes on. Finalising at the pause cut the
     * recogniser's context; after a short gap (a closure inside "lights" can look like a pause)
     * that may have split a word, so the turn so far is recognised again in one piece. After a
     * real pause between words, or in a very long turn, the recogniser just goes on: re-hearing
     * costs CPU in proportion to the turn, and on a busy machine that delays the answer.
     */
    private void resume(List<Event> events) {
        paused = false;
        events.add(new Event.Resumed(audioMs()));
        for (float[] h : held) keep(h, 0, h.length);
        if (audioMs() - speechEndMs >= REHEAR_BELOW_MS || turnFill > MAX_REHEAR) {
            for (float[] h : held) toRecogniser(h, 0, h.length, events);
            held.clear();
            return;
        }
        held.clear();
        done.clear();
        pieceFill = 0;
        int whole = turnFill - turnFill % ASR_PIECE;
        for (int i = 0; i < whole; i += ASR_PIECE) {
            byte[] pcm = Pcm16.encode(turnAudio, i, i + ASR_PIECE);
            if (asr.feed(pcm, 0, pcm.length) instanceof Hypothesis.Final f && !f.utterance().isEmpty()) done.add(f.utterance());
        }
        System.arraycopy(turnAudio, whole, piece, 0, turnFill - whole);
        pieceFill = turnFill - whole;
    }

    private void keep(float[] audio, int from, int to) {
        if (turnFill > MAX_REHEAR) return; // too long to hear again: stop holding it
        if (turnFill + (to - from) > turnAudio.length) turnAudio = java.util.Arrays.copyOf(turnAudio, Math.max(turnAudio.length * 2, turnFill + to - from));
        System.arraycopy(audio, from, turnAudio, turnFill, to - from);
        turnFill += to - from;
    }

    private static int words(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** Ends the current turn now (manual turn detection, or the client committed early). */
    public Event.Final commit() {
        return finishTurn();
    }

    /** Drops the audio of the current turn without recognising it. */
    public void clear() {
        paused = false;
        held.clear();
        turnFill = 0;
        recentFill = 0;
        pieceFill = 0;
        prefixFill = 0;
        asr.finish();
        done.clear();
        lastPartial = "";
        if (vad != null) inTurn = false;
    }

    private Event.Final finishTurn() {
        if (!paused) { // in a pause, recognition was finalised when the voice stopped
            flushPiece(null);
            done.add(asr.finish());
        }
        Utterance all = joined();
        done.clear();
        held.clear();
        turnFill = 0;
        paused = false;
        lastPartial = "";
        inTurn = vad == null;
        return new Event.Final(all);
    }

    private Utterance joined() {
        List<Word> words = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (Utterance u : done) {
            if (u.isEmpty()) continue;
            if (text.length() > 0) text.append(' ');
            text.append(u.text());
            words.addAll(u.words());
        }
        return new Utterance(text.toString(), words);
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
        keep(before, 0, before.length);
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
