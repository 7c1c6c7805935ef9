package perception.tests.speech;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import perception.speech.FreeTtsSynthesizer;

/** Generated test speech: FreeTTS (in this JVM, not through the gateway) speaking known sentences. */
public final class SpeechFixtures {
    private static FreeTtsSynthesizer tts;

    private SpeechFixtures() {
    }

    public static synchronized FreeTtsSynthesizer tts() {
        if (tts == null) tts = FreeTtsSynthesizer.load(1);
        return tts;
    }

    /** PCM16LE mono of FreeTTS speaking {@code text} at {@code rate}. */
    public static byte[] speak(String text, int rate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tts().synthesize(text, rate, 1.0, pcm -> out.write(pcm, 0, pcm.length));
        return out.toByteArray();
    }

    public static List<String> sentences() throws IOException {
        try (InputStream in = SpeechFixtures.class.getResourceAsStream("/speech-sentences.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }
}
