package perception.speech;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Real models shared by the tests of this module (loaded once per JVM), and generated speech. */
final class SpeechFixtures {
    private static VoskTranscriber transcriber;
    private static FreeTtsSynthesizer synthesizer;
    private static SileroVad vad;

    private SpeechFixtures() {
    }

    static Path modelsDir() {
        Path dir = Path.of(System.getProperty("gateway.models.dir", "../models"));
        if (!Files.isDirectory(dir.resolve("vosk-en")) || !Files.isRegularFile(dir.resolve("silero-vad/silero_vad_v5.onnx"))) {
            throw new IllegalStateException("speech models missing in " + dir.toAbsolutePath()
                    + ": run ./run-gateway models fetch vosk-en silero-vad (or mvn -B verify, which fetches them)");
        }
        return dir;
    }

    static synchronized VoskTranscriber transcriber() throws IOException {
        if (transcriber == null) transcriber = VoskTranscriber.load(modelsDir().resolve("vosk-en"));
        return transcriber;
    }

    static synchronized FreeTtsSynthesizer synthesizer() {
        if (synthesizer == null) synthesizer = FreeTtsSynthesizer.load(2);
        return synthesizer;
    }

    static synchronized SileroVad vad() throws Exception {
        if (vad == null) vad = SileroVad.load(modelsDir().resolve("silero-vad/silero_vad_v5.onnx"));
        return vad;
    }

    /** FreeTTS speaking {@code text} at 16 kHz. */
    static Audio speak(String text) {
        return speak(text, 16000);
    }

    static Audio speak(String text, int rate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        synthesizer().synthesize(text, rate, 1.0, pcm -> out.write(pcm, 0, pcm.length));
        return Audio.fromPcm16le(out.toByteArray(), rate);
    }

    static List<String> sentences() {
        return new String(resource("/sentences.txt"), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
    }

    static byte[] resource(String name) {
        try (InputStream in = SpeechFixtures.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("test resource " + name + " missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(List<Utterance> utterances) {
        return String.join(" ", utterances.stream().map(Utterance::text).filter(t -> !t.isBlank()).toList());
    }

    /** Silence of the given length at 16 kHz followed by the audio and more silence. */
    static Audio padded(Audio speech, double before, double after) {
        int r = speech.sampleRate();
        float[] s = new float[(int) (before * r) + speech.samples().length + (int) (after * r)];
        System.arraycopy(speech.samples(), 0, s, (int) (before * r), speech.samples().length);
        return new Audio(s, r);
    }
}
