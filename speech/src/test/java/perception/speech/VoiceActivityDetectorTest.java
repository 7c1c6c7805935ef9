package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VoiceActivityDetectorTest {

    @Test
    void findsSpeechBetweenSilences() throws Exception {
        Audio speech = SpeechFixtures.speak("The computer is running very slowly today.");
        Audio audio = SpeechFixtures.padded(speech, 1.0, 1.0);
        List<VoiceActivityDetector.Event> events = new VoiceActivityDetector(SpeechFixtures.vad(), VoiceActivityDetector.Settings.defaults())
                .detect(audio.samples());
        assertTrue(events.size() >= 2, events.toString());
        assertEquals(VoiceActivityDetector.Event.Type.SPEECH_START, events.get(0).type());
        assertEquals(1.0, events.get(0).seconds(), 0.25, "start: " + events);
        VoiceActivityDetector.Event last = events.get(events.size() - 1);
        assertEquals(VoiceActivityDetector.Event.Type.SPEECH_END, last.type());
        assertEquals(1.0 + speech.durationSeconds(), last.seconds(), 0.4, "end: " + events);
        for (int i = 0; i < events.size(); i++) {
            assertEquals(i % 2 == 0 ? VoiceActivityDetector.Event.Type.SPEECH_START : VoiceActivityDetector.Event.Type.SPEECH_END, events.get(i).type());
        }
    }

    @Test
    void silenceAndLowNoiseAreNotSpeech() throws Exception {
        Random random = new Random(1);
        float[] noise = new float[16000 * 2];
        for (int i = 0; i < noise.length; i++) noise[i] = (float) random.nextGaussian() * 0.003f;
        VoiceActivityDetector vad = new VoiceActivityDetector(SpeechFixtures.vad(), VoiceActivityDetector.Settings.defaults());
        assertEquals(List.of(), vad.detect(new float[16000 * 2]));
        vad.reset();
        assertEquals(List.of(), vad.detect(noise));
    }

    @Test
    void chunkSizeDoesNotChangeTheEvents() throws Exception {
        Audio audio = SpeechFixtures.padded(SpeechFixtures.speak("Thank you very much for your help."), 0.6, 0.8);
        List<VoiceActivityDetector.Event> whole = new ArrayList<>();
        new VoiceActivityDetector(SpeechFixtures.vad(), VoiceActivityDetector.Settings.defaults()).feed(audio.samples(), whole::add);
        VoiceActivityDetector vad = new VoiceActivityDetector(SpeechFixtures.vad(), VoiceActivityDetector.Settings.defaults());
        List<VoiceActivityDetector.Event> chunked = new ArrayList<>();
        float[] s = audio.samples();
        for (int i = 0; i < s.length; i += 333) vad.feed(s, i, Math.min(s.length, i + 333), chunked::add);
        assertTrue(whole.size() >= 2, whole.toString());
        assertEquals(whole, chunked);
    }
}
