package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Turns ended by the sound: the real Smart Turn model judges at the pause, a "complete" ends the
 * turn at once, an "incomplete" is judged again as the silence grows and the longest silence ends
 * the turn whatever; silence alone costs no decision.
 */
class TurnDetectorModelTest {
    static SmartTurnModel model;

    @BeforeAll
    static void load() throws Exception {
        model = SmartTurnModel.load(SmartTurnParityTest.modelFile(), 1);
    }

    @AfterAll
    static void close() throws Exception {
        if (model != null) model.close();
    }

    static TurnDetector.Settings settings(float threshold, int maxSilenceMs) {
        return new TurnDetector.Settings(true, 0.5f, 300, new TurnEndPolicy(200, 500, 500),
                new TurnDetector.ModelEnds(model, threshold, 200, maxSilenceMs, false));
    }

    @Test
    void aFinishedQuestionEndsAtTheFirstJudgement() throws Exception {
        Audio q = SpeechFixtures.speak("What time does the store open on Sunday?");
        try (TurnDetector d = new TurnDetector(SpeechFixtures.vad(), SpeechFixtures.transcriber(), settings(0.5f, 1500))) {
            List<TurnDetector.Event> events = TurnDetectorTest.feedInChunks(d, SpeechFixtures.padded(q, 0.5, 2.0).samples(), 1600);
            List<TurnDetector.Event.Judged> judged = events.stream().filter(e -> e instanceof TurnDetector.Event.Judged)
                    .map(e -> (TurnDetector.Event.Judged) e).toList();
            TurnDetector.Event.SpeechStopped stop = events.stream().filter(e -> e instanceof TurnDetector.Event.SpeechStopped)
                    .map(e -> (TurnDetector.Event.SpeechStopped) e).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(events.toString()));
            TurnDetector.Event.Judged last = judged.get(judged.size() - 1);
            assertTrue(last.complete(), "the model heard a finished question: " + judged);
            assertTrue(stop.audioMs() - stop.speechEndMs() < 250, "the turn ended at the first pause judged complete, "
                    + (stop.audioMs() - stop.speechEndMs()) + " ms after the speech: " + judged);
            var fin = (TurnDetector.Event.Final) events.get(events.indexOf(stop) + 1);
            assertTrue(WordErrorRate.of("what time does the store open on sunday", fin.utterance().text()) <= 0.3, fin.utterance().text());
        }
    }

    @Test
    void anUnconvincedModelAsksAgainUntilTheLongestSilence() throws Exception {
        Audio s = SpeechFixtures.speak("The train to Boston leaves at seven in the evening.");
        try (TurnDetector d = new TurnDetector(SpeechFixtures.vad(), SpeechFixtures.transcriber(), settings(0.999f, 800))) {
            List<TurnDetector.Event> events = TurnDetectorTest.feedInChunks(d, SpeechFixtures.padded(s, 0.5, 2.0).samples(), 1600);
            TurnDetector.Event.SpeechStopped stop = events.stream().filter(e -> e instanceof TurnDetector.Event.SpeechStopped)
                    .map(e -> (TurnDetector.Event.SpeechStopped) e).reduce((a, b) -> b).orElseThrow(() -> new AssertionError(events.toString()));
            // the last pause of the turn: judged at ~100 ms, then every 200 ms until 800 ms
            int at = events.indexOf(stop);
            int lastPause = 0;
            for (int i = 0; i < at; i++) if (events.get(i) instanceof TurnDetector.Event.Pause) lastPause = i;
            List<TurnDetector.Event> judged = events.subList(lastPause, at).stream().filter(e -> e instanceof TurnDetector.Event.Judged).toList();
            assertTrue(judged.size() >= 3 && judged.size() <= 5, "judged again as the silence grew: " + judged);
            assertTrue(judged.stream().noneMatch(e -> ((TurnDetector.Event.Judged) e).complete()), judged.toString());
            long silence = stop.audioMs() - stop.speechEndMs();
            assertTrue(silence >= 800 && silence < 900, "the longest silence ended it: " + silence + " ms");
        }
    }

    @Test
    void silenceAloneCostsNoDecision() throws Exception {
        try (TurnDetector d = new TurnDetector(SpeechFixtures.vad(), SpeechFixtures.transcriber(), settings(0.5f, 1500))) {
            List<TurnDetector.Event> events = TurnDetectorTest.feedInChunks(d, new float[16000 * 30], 1600);
            assertEquals(List.of(), events);
        }
    }
}
