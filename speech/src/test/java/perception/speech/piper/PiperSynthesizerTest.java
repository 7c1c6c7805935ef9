package perception.speech.piper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real voice through {@link PiperSynthesizer#synthesize}: rates, speed, streaming, bounds, parallel callers. */
class PiperSynthesizerTest {
    static PiperSynthesizer piper;

    @BeforeAll
    static void load() throws Exception {
        Path onnx = PiperParityTest.voice();
        piper = PiperSynthesizer.load(onnx, onnx.getParent().getParent(), 1);
    }

    @AfterAll
    static void close() {
        if (piper != null) piper.close();
    }

    static long bytes(String text, int rate, double speed) {
        return piper.synthesize(text, rate, speed, pcm -> { });
    }

    @Test
    void rateAndSpeedShapeTheAudio() {
        String text = "The juice of lemons makes fine punch.";
        long native22 = bytes(text, 22050, 1.0), at16 = bytes(text, 16000, 1.0), fast = bytes(text, 22050, 2.0);
        double seconds = native22 / 2 / 22050.0;
        assertTrue(seconds > 1.2 && seconds < 4, seconds + " s");
        // durations vary a little run to run (noise_w), so the ratios are bounded, not exact
        assertEquals(16000 / 22050.0, at16 / (double) native22, 0.15, "resampled to the rate asked");
        // half the length_scale, but noise_w varies each phoneme's length and the pauses do not all scale: 0.5 ± 0.2
        assertEquals(0.5, fast / (double) native22, 0.2, "speed 2 halves length_scale");
        assertThrows(IllegalArgumentException.class, () -> bytes(text, 4000, 1.0));
        assertThrows(IllegalArgumentException.class, () -> bytes(text, 22050, 5.0));
        assertThrows(IllegalArgumentException.class, () -> bytes("   ", 22050, 1.0));
    }

    @Test
    void sentencesStreamOneByOneAndALongFirstOneFromItsFirstClause() {
        List<Integer> pieces = new ArrayList<>();
        piper.synthesize("When the morning train finally arrived at the station, everyone cheered. Then we went home. It was late.",
                22050, 1.0, pcm -> pieces.add(pcm.length));
        assertEquals(4, pieces.size(), "first clause, its rest, then one piece per sentence: " + pieces);
    }

    @Test
    void tooManyPhonemesAreRefusedBeforeAnyAudio() {
        AtomicInteger pieces = new AtomicInteger();
        var e = assertThrows(IllegalArgumentException.class,
                () -> piper.synthesize("Antidisestablishmentarianism is long. ".repeat(1500), 22050, 1.0, pcm -> pieces.incrementAndGet()));
        assertTrue(e.getMessage().contains("phonemes"), e.getMessage());
        assertEquals(0, pieces.get());
    }

    @Test
    void parallelCallersShareTheSessionAndEspeak() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Long>> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String text = "Caller number " + i + " says hello, and then goodbye.";
                all.add(pool.submit(() -> bytes(text, 24000, 1.0)));
            }
            for (Future<Long> f : all) assertTrue(f.get() > 24000, "each caller gets its audio");
        } finally {
            pool.shutdownNow();
        }
    }
}
