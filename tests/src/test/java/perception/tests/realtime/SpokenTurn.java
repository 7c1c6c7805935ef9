package perception.tests.realtime;

import java.util.ArrayList;
import java.util.List;
import perception.speech.Audio;
import perception.tests.speech.SpeechFixtures;

/**
 * A spoken user turn at 16 kHz for realtime tests and benchmarks: FreeTTS phrases, each trimmed to
 * its voiced part, joined by pauses of known length, with silence before and after. Knowing where
 * the voice ends (not where FreeTTS's own trailing silence ends) is what lets a test time "end of
 * speech → answer" and tell a pause from the end of the turn.
 */
public record SpokenTurn(String text, float[] audio, int speechEndSample, List<int[]> pauses) {
    public static final int RATE = 16000;
    /** A 10 ms frame counts as voiced when its peak is above this (about −40 dBFS); FreeTTS's silence is near zero. */
    static final float VOICED_PEAK = 0.01f;

    /** Speech of the phrases with {@code pauseMs[i]} of silence after phrase i; {@code before}/{@code after} in seconds. */
    public static SpokenTurn of(double before, double after, List<String> phrases, int... pauseMs) {
        if (pauseMs.length != phrases.size() - 1) throw new IllegalArgumentException("one pause between each two phrases");
        List<float[]> voiced = new ArrayList<>();
        for (String p : phrases) voiced.add(trim(Audio.fromPcm16le(SpeechFixtures.speak(p, RATE), RATE).samples()));
        int length = (int) (before * RATE) + (int) (after * RATE);
        for (float[] v : voiced) length += v.length;
        for (int ms : pauseMs) length += ms * RATE / 1000;
        float[] out = new float[length];
        List<int[]> pauses = new ArrayList<>();
        int at = (int) (before * RATE);
        for (int i = 0; i < voiced.size(); i++) {
            System.arraycopy(voiced.get(i), 0, out, at, voiced.get(i).length);
            at += voiced.get(i).length;
            if (i < pauseMs.length) {
                pauses.add(new int[] {at, at + pauseMs[i] * RATE / 1000});
                at += pauseMs[i] * RATE / 1000;
            }
        }
        return new SpokenTurn(String.join(" ", phrases), out, at, pauses);
    }

    /**
     * The whole sentence {@code parts[0] + " " + parts[1]} said at once, then cut at the word boundary
     * between the two parts with {@code pauseMs} of silence spliced in: the voice before the pause
     * keeps the sentence's own, unfinished intonation, as a person who stops to think mid-sentence
     * sounds (each part said on its own ends as a finished sentence does, which a model of the
     * sound hears). The boundary is where Vosk puts it (the middle of the gap between the two
     * words), moved to the quietest 10 ms within 60 ms.
     */
    public static SpokenTurn spliced(double before, double after, String[] parts, int pauseMs, perception.speech.Transcriber vosk) {
        float[] whole = trim(Audio.fromPcm16le(SpeechFixtures.speak(parts[0] + " " + parts[1], RATE), RATE).samples());
        int k = parts[0].trim().split("\\s+").length;
        List<perception.speech.Word> words = new ArrayList<>();
        try (var session = vosk.open(RATE, true)) {
            float[] padded = java.util.Arrays.copyOf(whole, whole.length + RATE / 2);
            byte[] pcm = perception.speech.Pcm16.encode(padded, 0, padded.length);
            for (int i = 0; i < pcm.length; i += 3200) {
                if (session.feed(pcm, i, Math.min(3200, pcm.length - i)) instanceof perception.speech.Hypothesis.Final f) words.addAll(f.utterance().words());
            }
            words.addAll(session.finish().words());
        }
        int cut = words.size() > k ? (int) ((words.get(k - 1).end() + words.get(k).start()) / 2 * RATE) : whole.length * k / (k + parts[1].trim().split("\\s+").length);
        int frame = RATE / 100, best = cut;
        double quietest = Double.MAX_VALUE;
        for (int c = Math.max(frame, cut - 6 * frame); c <= Math.min(whole.length - frame, cut + 6 * frame); c += frame / 2) {
            double e = 0;
            for (int i = c - frame / 2; i < c + frame / 2; i++) e += whole[i] * whole[i];
            if (e < quietest) {
                quietest = e;
                best = c;
            }
        }
        int b = (int) (before * RATE), p = pauseMs * RATE / 1000;
        float[] out = new float[b + whole.length + p + (int) (after * RATE)];
        System.arraycopy(whole, 0, out, b, best);
        System.arraycopy(whole, best, out, b + best + p, whole.length - best);
        return new SpokenTurn(parts[0] + " " + parts[1], out, b + whole.length + p, List.of(new int[] {b + best, b + best + p}));
    }

    public static SpokenTurn of(String sentence, double before, double after) {
        return of(before, after, List.of(sentence));
    }

    /** Index of the 100 ms append (as {@link RealtimeClient#speak} sends them) holding the last voiced sample. */
    public int lastSpeechChunk() {
        return (speechEndSample - 1) / (RATE / 10);
    }

    /** Index of the first append that holds voice again after pause i. */
    public int resumeChunk(int pause) {
        return pauses.get(pause)[1] / (RATE / 10);
    }

    /** The voiced part of FreeTTS output: from the first to the last 10 ms frame whose peak is above {@link #VOICED_PEAK}. */
    static float[] trim(float[] s) {
        int frame = RATE / 100;
        int first = -1, last = -1;
        for (int f = 0; f * frame < s.length; f++) {
            float peak = 0;
            for (int i = f * frame; i < Math.min(s.length, (f + 1) * frame); i++) peak = Math.max(peak, Math.abs(s[i]));
            if (peak > VOICED_PEAK) {
                if (first < 0) first = f;
                last = f;
            }
        }
        if (first < 0) throw new IllegalStateException("FreeTTS produced no voiced audio");
        return java.util.Arrays.copyOfRange(s, first * frame, Math.min(s.length, (last + 1) * frame));
    }
}
