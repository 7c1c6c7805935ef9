package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** FreeTTS speaks, Vosk listens: the real models end to end, without a server. */
class RoundTripTest {

    @Test
    void freeTtsSentencesComeBackWithLowWordErrorRate() throws Exception {
        // all 12 go through the gateway in the end-to-end tests; here 6 keep the module's tests quick
        List<String> sentences = SpeechFixtures.sentences().subList(0, 6);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<String>> heard = new ArrayList<>();
            for (String s : sentences) heard.add(pool.submit(() -> SpeechFixtures.text(SpeechFixtures.transcriber().transcribe(SpeechFixtures.speak(s)))));
            int errors = 0, words = 0;
            StringBuilder report = new StringBuilder();
            for (int i = 0; i < sentences.size(); i++) {
                String text = heard.get(i).get();
                errors += WordErrorRate.errors(sentences.get(i), text);
                words += WordErrorRate.words(sentences.get(i)).size();
                report.append(sentences.get(i)).append(" -> ").append(text).append('\n');
            }
            double wer = errors / (double) words;
            assertTrue(wer <= 0.10, "WER " + wer + "\n" + report);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void streamingGivesPartialsThenAFinalWithTimedWords() throws Exception {
        Audio audio = SpeechFixtures.padded(SpeechFixtures.speak("Turn left at the next corner and drive straight ahead."), 0.5, 0.3);
        byte[] pcm = audio.toPcm16le();
        List<String> partials = new ArrayList<>();
        List<Utterance> finals = new ArrayList<>();
        try (TranscriptionSession s = SpeechFixtures.transcriber().open(16000, true)) {
            for (int i = 0; i < pcm.length; i += 3200) {
                Hypothesis h = s.feed(pcm, i, Math.min(3200, pcm.length - i));
                if (h instanceof Hypothesis.Partial p && !p.text().isBlank()) partials.add(p.text());
                if (h instanceof Hypothesis.Final f && !f.utterance().isEmpty()) finals.add(f.utterance());
            }
            finals.add(s.finish());
            assertEquals(audio.durationSeconds(), s.secondsFed(), 1e-6);
        }
        assertTrue(partials.size() >= 3, "partials while audio arrives: " + partials);
        String text = SpeechFixtures.text(finals);
        assertTrue(WordErrorRate.of("turn left at the next corner and drive straight ahead", text) <= 0.1, text);
        List<Word> words = finals.stream().flatMap(u -> u.words().stream()).toList();
        assertEquals(WordErrorRate.words(text).size(), words.size());
        assertTrue(words.get(0).start() >= 0.4 && words.get(0).start() < 1.0, "first word after the 0.5 s of silence: " + words.get(0));
        for (int i = 0; i < words.size(); i++) {
            Word w = words.get(i);
            assertTrue(w.end() > w.start() && w.confidence() > 0 && w.confidence() <= 1, w.toString());
            if (i > 0) assertTrue(w.start() >= words.get(i - 1).end() - 1e-6, "words in order: " + words);
        }
        assertTrue(words.get(words.size() - 1).end() <= audio.durationSeconds());
    }

    @Test
    void parallelSessionsDoNotMixTheirWords() throws Exception {
        List<String> all = SpeechFixtures.sentences();
        List<String> sentences = List.of(all.get(0), all.get(1), all.get(8), all.get(9));
        List<byte[]> audio = sentences.stream().map(s -> SpeechFixtures.speak(s).toPcm16le()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (byte[] pcm : audio) {
                results.add(pool.submit(() -> {
                    List<Utterance> out = new ArrayList<>();
                    try (TranscriptionSession s = SpeechFixtures.transcriber().open(16000, true)) {
                        for (int i = 0; i < pcm.length; i += 4000) {
                            if (s.feed(pcm, i, Math.min(4000, pcm.length - i)) instanceof Hypothesis.Final f) out.add(f.utterance());
                            Thread.yield();
                        }
                        out.add(s.finish());
                    }
                    return SpeechFixtures.text(out);
                }));
            }
            for (int i = 0; i < 4; i++) {
                String text = results.get(i).get();
                assertTrue(WordErrorRate.of(sentences.get(i), text) <= 0.2, sentences.get(i) + " -> " + text);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void numbersAndAbbreviationsAreSpokenAsWords() throws Exception {
        String text = SpeechFixtures.text(SpeechFixtures.transcriber().transcribe(SpeechFixtures.speak("It costs 42 dollars.")));
        assertTrue(text.contains("forty two"), text);
    }

    @Test
    void silenceGivesAnEmptyTranscriptAndClosedSessionsRefuseWork() throws Exception {
        assertTrue(SpeechFixtures.transcriber().transcribe(new Audio(new float[16000], 16000)).isEmpty());
        TranscriptionSession s = SpeechFixtures.transcriber().open(16000, true);
        assertThrows(AudioFormatException.class, () -> s.feed(new byte[3]));
        s.close();
        s.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> s.feed(new byte[2]));
        assertThrows(IllegalArgumentException.class, () -> SpeechFixtures.transcriber().open(0, true));
        assertThrows(IllegalArgumentException.class, () -> SpeechFixtures.transcriber().open(1_000_000_000, true));
        assertFalse(SpeechFixtures.transcriber().name().isBlank());
    }
}
