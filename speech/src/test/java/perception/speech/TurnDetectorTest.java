package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TurnDetectorTest {

    static List<TurnDetector.Event> feedInChunks(TurnDetector d, float[] audio, int chunk) {
        List<TurnDetector.Event> events = new ArrayList<>();
        for (int i = 0; i < audio.length; i += chunk) {
            events.addAll(d.feed(java.util.Arrays.copyOfRange(audio, i, Math.min(audio.length, i + chunk))));
        }
        return events;
    }

    @Test
    void twoTurnsSeparatedBySilenceEachGetTheirOwnWords() throws Exception {
        Audio first = SpeechFixtures.speak("Please turn on the kitchen lights.");
        Audio second = SpeechFixtures.speak("What is the weather like today?");
        float[] a = SpeechFixtures.padded(first, 0.8, 1.2).samples();
        float[] b = SpeechFixtures.padded(second, 0.0, 1.2).samples();
        float[] audio = new float[a.length + b.length];
        System.arraycopy(a, 0, audio, 0, a.length);
        System.arraycopy(b, 0, audio, a.length, b.length);

        try (TurnDetector d = new TurnDetector(SpeechFixtures.vad(), SpeechFixtures.transcriber(), TurnDetector.Settings.defaults())) {
            List<TurnDetector.Event> events = feedInChunks(d, audio, 1600);
            // pauses inside a turn (a stop consonant can be one) finalise early and resume; here only turns count
            List<TurnDetector.Event> kinds = events.stream().filter(e -> !(e instanceof TurnDetector.Event.Partial
                    || e instanceof TurnDetector.Event.Pause || e instanceof TurnDetector.Event.Resumed)).toList();
            assertEquals(6, kinds.size(), events.toString());
            var start = assertInstanceOf(TurnDetector.Event.SpeechStarted.class, kinds.get(0));
            // speech begins at 0.8 s plus FreeTTS's own lead-in; the reported start includes the 300 ms prefix
            assertTrue(start.audioMs() >= 800 - 300 - 50 && start.audioMs() <= 800 + 400 - 300, "start " + start.audioMs());
            var stop = assertInstanceOf(TurnDetector.Event.SpeechStopped.class, kinds.get(1));
            assertTrue(stop.audioMs() > 800 + first.durationSeconds() * 1000 && stop.audioMs() < 800 + first.durationSeconds() * 1000 + 1000, events.toString());
            var one = assertInstanceOf(TurnDetector.Event.Final.class, kinds.get(2));
            assertInstanceOf(TurnDetector.Event.SpeechStarted.class, kinds.get(3));
            assertInstanceOf(TurnDetector.Event.SpeechStopped.class, kinds.get(4));
            var two = assertInstanceOf(TurnDetector.Event.Final.class, kinds.get(5));
            assertTrue(WordErrorRate.of("please turn on the kitchen lights", one.utterance().text()) <= 0.2, one.utterance().text());
            assertTrue(WordErrorRate.of("what is the weather like today", two.utterance().text()) <= 0.2, two.utterance().text());
            assertTrue(events.indexOf(kinds.get(1)) > events.indexOf(kinds.get(0)) + 1, "partials arrive while the user speaks: " + events);
        }
    }

    @Test
    void withoutVadTheCallerCommitsTheTurn() throws Exception {
        Audio speech = SpeechFixtures.speak("Open the garage door.");
        var settings = new TurnDetector.Settings(false, 0.5f, 300, 500);
        try (TurnDetector d = new TurnDetector(SpeechFixtures.vad(), SpeechFixtures.transcriber(), settings)) {
            List<TurnDetector.Event> events = feedInChunks(d, SpeechFixtures.padded(speech, 0.3, 0.3).samples(), 4000);
            assertTrue(events.stream().noneMatch(e -> e instanceof TurnDetector.Event.SpeechStopped), events.toString());
            String text = d.commit().utterance().text();
            assertTrue(WordErrorRate.of("open the garage door", text) <= 0.25, text);
        }
    }

    /** Two FreeTTS phrases (trimmed to their voice) with a pause between them, then silence. */
    static float[] withPause(String first, int pauseMs, String second) {
        float[] a = SpeechFixtures.padded(voiced(SpeechFixtures.speak(first)), 0.5, 0).samples();
        float[] b = SpeechFixtures.padded(voiced(SpeechFixtures.speak(second)), 0, 1.0).samples();
        float[] out = new float[a.length + pauseMs * 16 + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length + pauseMs * 16, b.length);
        return out;
    }

    /** FreeTTS output without its own leading and trailing silence (10 ms frames whose peak is under 0.01). */
    static Audio voiced(Audio a) {
        float[] s = a.samples();
        int first = -1, last = -1;
        for (int f = 0; f * 160 < s.length; f++) {
            float peak = 0;
            for (int i = f * 160; i < Math.min(s.length, (f + 1) * 160); i++) peak = Math.max(peak, Math.abs(s[i]));
            if (peak > 0.01f) {
                if (first < 0) first = f;
                last = f;
            }
        }
        return new Audio(java.util.Arrays.copyOfRange(s, first * 160, Math.min(s.length, (last + 1) * 160)), a.sampleRate());
    }

    @Test
    void aPauseAfterAHangingWordFinalisesEarlyButTheTurnGoesOn() throws Exception {
        float[] audio = withPause("Play some music so", 400, "I can relax a bit.");
        try (TurnDetector d = new TurnDetector(SpeechFixtures.vad(), SpeechFixtures.transcriber(), TurnDetector.Settings.defaults())) {
            List<TurnDetector.Event> events = feedInChunks(d, audio, 1600);
            List<TurnDetector.Event> kinds = events.stream().filter(e -> !(e instanceof TurnDetector.Event.Partial)).toList();
            var firstPause = (TurnDetector.Event.Pause) kinds.stream().filter(e -> e instanceof TurnDetector.Event.Pause).findFirst().orElseThrow();
            assertTrue(firstPause.soFar().text().endsWith("so"), "recognition finalised at the pause: " + firstPause);
            assertEquals(500, firstPause.windowMs(), "an unfinished sentence waits the longest window");
            assertEquals(1, kinds.stream().filter(e -> e instanceof TurnDetector.Event.SpeechStopped).count(), kinds.toString());
            assertTrue(kinds.stream().anyMatch(e -> e instanceof TurnDetector.Event.Resumed), kinds.toString());
            assertInstanceOf(TurnDetector.Event.SpeechStarted.class, kinds.get(0));
            var fin = assertInstanceOf(TurnDetector.Event.Final.class, kinds.get(kinds.size() - 1));
            assertTrue(WordErrorRate.of("play some music so i can relax a bit", fin.utterance().text()) <= 0.25, fin.utterance().text());
            var stop = assertInstanceOf(TurnDetector.Event.SpeechStopped.class, kinds.get(kinds.size() - 2));
            var lastPause = assertInstanceOf(TurnDetector.Event.Pause.class, kinds.get(kinds.size() - 3));
            assertEquals(lastPause.soFar().text(), fin.utterance().text(), "the final transcript is what was final at the last pause");
            assertTrue(stop.audioMs() - stop.speechEndMs() >= lastPause.windowMs() && stop.audioMs() - stop.speechEndMs() < lastPause.windowMs() + 64,
                    "the turn ends one window after the voice: " + stop + " " + lastPause);
        }
    }
}
