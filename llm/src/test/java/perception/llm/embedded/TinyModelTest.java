package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.Cancellation;
import perception.llm.onnx.testmodel.Reference;
import perception.llm.onnx.testmodel.TestModelFolder;
import perception.llm.onnx.testmodel.TestModelFolder.Kind;

/** The embedded runtime on tiny ONNX models written in Java, whose answers are known exactly. */
class TinyModelTest {
    @TempDir
    Path dir;

    private EmbeddedChatModel load(Kind kind, boolean useCache) throws Exception {
        return EmbeddedChatModel.load(TestModelFolder.write(dir.resolve(kind.name()), kind), new EmbeddedChatModel.Options(1, useCache));
    }

    @Test
    void plusOneDecoderCountsUp() throws Exception {
        try (EmbeddedChatModel m = load(Kind.TEXT_PLUS_ONE, true)) {
            assertArrayEquals(new long[] {98, 99, 100, 101, 102}, m.generateIds(new long[] {10, 97}, 5, new Cancellation()));
        }
    }

    @Test
    void plusOneStopsAtEos() throws Exception {
        try (EmbeddedChatModel m = load(Kind.TEXT_PLUS_ONE, true)) {
            // <|im_end|> is 258: 255 → 256, 257, then 258 = EOS ends the generation
            assertArrayEquals(new long[] {256, 257}, m.generateIds(new long[] {255}, 10, new Cancellation()));
        }
    }

    @Test
    void checksumDecoderReadsTheCacheCachedEqualsUncachedEqualsReference() throws Exception {
        long[] prompt = {257, 'h', 'e', 'l', 'l', 'o', 10};
        long[] expected = reference(prompt, 12);
        try (EmbeddedChatModel cached = load(Kind.TEXT_CHECKSUM, true)) {
            assertArrayEquals(expected, cached.generateIds(prompt, 12, new Cancellation()));
        }
        try (EmbeddedChatModel uncached = EmbeddedChatModel.load(dir.resolve(Kind.TEXT_CHECKSUM.name()), new EmbeddedChatModel.Options(1, false))) {
            assertArrayEquals(expected, uncached.generateIds(prompt, 12, new Cancellation()));
        }
    }

    @Test
    void mergedFloat16DecoderWithCacheBranchAgrees() throws Exception {
        long[] prompt = {257, 'h', 'i', 10};
        try (EmbeddedChatModel m = load(Kind.TEXT_CHECKSUM_MERGED_FP16, true)) {
            assertArrayEquals(reference(prompt, 10), m.generateIds(prompt, 10, new Cancellation()));
        }
    }

    @Test
    void realLlamaArchitectureGivesTheSameAnswerCachedAndUncached() throws Exception {
        Path folder = TestModelFolder.writeRandomLlama(dir.resolve("llama"), perception.llm.onnx.testmodel.RandomLlama.Shape.TINY, 7);
        long[] prompt = {257, 'h', 'e', 'l', 'l', 'o', 258, 10, 257, 'a'};
        long[] cached, uncached;
        try (EmbeddedChatModel m = EmbeddedChatModel.load(folder, new EmbeddedChatModel.Options(1, true))) {
            cached = m.generateIds(prompt, 16, new Cancellation());
        }
        try (EmbeddedChatModel m = EmbeddedChatModel.load(folder, new EmbeddedChatModel.Options(1, false))) {
            uncached = m.generateIds(prompt, 16, new Cancellation());
        }
        assertArrayEquals(uncached, cached);
        assertEquals(true, java.util.Arrays.stream(cached).distinct().count() > 1, java.util.Arrays.toString(cached));
    }

    static long[] reference(long[] prompt, int n) {
        double[] seq = new double[prompt.length + n];
        for (int i = 0; i < prompt.length; i++) seq[i] = prompt[i];
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            int len = prompt.length + i;
            out[i] = Reference.checksumNext(java.util.Arrays.copyOf(seq, len), TestModelFolder.CHECKSUM_BASE, TestModelFolder.CHECKSUM_MODULUS);
            seq[len] = out[i];
        }
        return out;
    }

    @Test
    void referenceIsSensitiveToOrder() {
        assertNotEquals(reference(new long[] {1, 2, 3}, 1)[0], reference(new long[] {3, 2, 1}, 1)[0]);
        assertEquals(1, reference(new long[] {1}, 1).length);
    }
}
