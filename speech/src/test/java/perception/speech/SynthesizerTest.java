package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SynthesizerTest {

    @Test
    void speaksSentenceBySentence() {
        List<Integer> chunks = new ArrayList<>();
        long total = SpeechFixtures.synthesizer().synthesize(
                "Good morning. Dr. Smith will see you at 10 am. Please take a seat!", 16000, 1.0, pcm -> chunks.add(pcm.length));
        // "Dr." does not end a sentence: three sentences, three chunks
        assertEquals(3, chunks.size(), chunks.toString());
        assertEquals(total, chunks.stream().mapToLong(Integer::longValue).sum());
        chunks.forEach(n -> assertEquals(0, n % 2));
    }

    @Test
    void producesTheRequestedRateAndSpeed() {
        String text = "The children played football in the park all afternoon.";
        Audio at16 = SpeechFixtures.speak(text, 16000);
        Audio at24 = SpeechFixtures.speak(text, 24000);
        assertEquals(at16.durationSeconds(), at24.durationSeconds(), 0.01);
        assertTrue(at24.peak() > 0.05, "not silent");
        ByteArrayOutputStream fast = new ByteArrayOutputStream();
        SpeechFixtures.synthesizer().synthesize(text, 16000, 2.0, pcm -> fast.write(pcm, 0, pcm.length));
        double fastSeconds = fast.size() / 32000.0;
        assertTrue(fastSeconds < at16.durationSeconds() * 0.7, fastSeconds + " s at speed 2 vs " + at16.durationSeconds());
    }

    @Test
    void refusesBadRequests() {
        Synthesizer s = SpeechFixtures.synthesizer();
        assertThrows(IllegalArgumentException.class, () -> s.synthesize(" ", 16000, 1, pcm -> { }));
        assertThrows(IllegalArgumentException.class, () -> s.synthesize("hi", 100, 1, pcm -> { }));
        assertThrows(IllegalArgumentException.class, () -> s.synthesize("hi", 16000, 10, pcm -> { }));
        assertThrows(IllegalArgumentException.class, () -> s.synthesize("hi", 16000, Double.NaN, pcm -> { }));
    }

    @Test
    void aFailingSinkStopsTheRestAndTheVoiceStaysUsable() {
        List<Integer> got = new ArrayList<>();
        RuntimeException e = assertThrows(RuntimeException.class, () -> SpeechFixtures.synthesizer().synthesize(
                "One sentence. Two sentences. Three sentences.", 16000, 1.0, pcm -> {
                    got.add(pcm.length);
                    throw new IllegalStateException("client went away");
                }));
        assertEquals("client went away", e.getMessage());
        assertEquals(1, got.size());
        for (int i = 0; i < 3; i++) assertTrue(SpeechFixtures.speak("Still working.").durationSeconds() > 0.3);
    }
}
