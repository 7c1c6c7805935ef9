package perception.speech.piper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Parity with the reference, piper-tts 1.8.0, on the same voice: for every line of
 * piper/sentences.txt (numbers, punctuation, abbreviations, names) the phoneme ids equal its ids,
 * sentence by sentence, and the audio lengths agree within 5 %. espeak-ng reads the catalog's
 * English data, the same files piper-tts ships, as the gateway does (with Debian's own 1.51 data 11
 * of these sentences differ: its "four" is fˈoːɹ, 1.52's fˈɔːɹ).
 */
class PiperParityTest {

    static Path voice() {
        Path onnx = Path.of(System.getProperty("gateway.models.dir", "../models"), "piper/en_US-joe-medium/en_US-joe-medium.onnx");
        if (!Files.isRegularFile(onnx)) throw new IllegalStateException("Piper voice missing at " + onnx.toAbsolutePath() + ": run ./run-gateway models fetch en_US-joe-medium");
        return onnx;
    }

    @Test
    void idsAndAudioLengthsMatchPiperTts() throws Exception {
        Path sentences = Path.of("src/test/resources/piper/sentences.txt");
        JsonNode ref = PiperReference.run(voice(), sentences);
        JsonNode lines = ref.get("lines");
        assertTrue(lines.size() >= 50, "at least 50 sentences, got " + lines.size());
        // the catalog's espeak-ng data (espeak-ng-data-en: the files piper-tts ships), read by the system's libespeak-ng 1.51, as the gateway runs it
        Path data = voice().getParent().getParent();
        if (!Files.isRegularFile(data.resolve("espeak-ng-data/phontab"))) throw new IllegalStateException("espeak-ng data missing under " + data.toAbsolutePath() + ": run ./run-gateway models fetch espeak-ng-data-en");
        try (PiperSynthesizer piper = PiperSynthesizer.load(voice(), data, 2)) {
            List<String> differ = new ArrayList<>();
            double worst = 0;
            long refTotal = 0, ourTotal = 0;
            for (JsonNode line : lines) {
                String text = line.get("text").asText();
                List<long[]> ours = piper.phonemeIds(text);
                List<long[]> theirs = new ArrayList<>();
                for (JsonNode s : line.get("ids")) {
                    long[] ids = new long[s.size()];
                    for (int i = 0; i < ids.length; i++) ids[i] = s.get(i).asLong();
                    theirs.add(ids);
                }
                boolean same = ours.size() == theirs.size();
                for (int i = 0; same && i < ours.size(); i++) same = Arrays.equals(ours.get(i), theirs.get(i));
                if (!same) {
                    differ.add(text + "\n  ours:   " + piper.phonemize(text).stream().map(p -> String.join("", p)).toList()
                            + "\n  ours:   " + ours.stream().map(Arrays::toString).toList()
                            + "\n  theirs: " + theirs.stream().map(Arrays::toString).toList());
                    continue;
                }
                long samples = 0;
                for (long[] ids : ours) samples += piper.audio(ids, 0f, piper.config().lengthScale(), 0f).length;
                long refSamples = line.get("quiet_samples").asLong();
                worst = Math.max(worst, Math.abs(samples - refSamples) / (double) refSamples);
                ourTotal += samples;
                refTotal += refSamples;
            }
            assertEquals(List.of(), differ, differ.size() + " of " + lines.size() + " sentences' ids differ from piper-tts");
            System.out.printf("parity: %d sentences, ids equal; audio (noise off) %d vs %d samples, worst sentence %.2f %%%n",
                    lines.size(), ourTotal, refTotal, 100 * worst);
            assertTrue(worst <= 0.05, "audio length differs by " + 100 * worst + " % on some sentence (limit 5 %)");
        }
    }
}
