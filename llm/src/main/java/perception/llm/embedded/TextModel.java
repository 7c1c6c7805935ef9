package perception.llm.embedded;

import ai.onnxruntime.OrtException;
import java.util.Arrays;
import java.util.List;

/**
 * A generation on a text decoder ({@code input_ids} in). With {@code useCache} false every step
 * re-runs the whole sequence from an empty cache: slower, only there to prove that the cached
 * path gives the same answers.
 */
final class TextModel implements LanguageModel {
    private final DecoderSession decoder;
    private final boolean useCache;
    private DecoderSession.Cache cache;
    private long[] sequence = new long[0];

    TextModel(DecoderSession decoder, boolean useCache) {
        this.decoder = decoder;
        this.useCache = useCache;
        this.cache = decoder.newCache();
    }

    @Override
    public float[] prefill(long[] ids, List<ImageProcessor.Frames> images) throws OrtException {
        if (!images.isEmpty()) throw new IllegalArgumentException("this model is text-only and does not take images");
        sequence = ids.clone();
        return decoder.forward(cache, ids, null, 0);
    }

    @Override
    public float[] step(long token) throws OrtException {
        if (useCache) return decoder.forward(cache, new long[] {token}, null, 0);
        sequence = Arrays.copyOf(sequence, sequence.length + 1);
        sequence[sequence.length - 1] = token;
        previousCaches += cache.runNanos();
        cache.close();
        cache = decoder.newCache();
        return decoder.forward(cache, sequence, null, 0);
    }

    private long previousCaches;

    @Override
    public long ortNanos() {
        return previousCaches + cache.runNanos();
    }

    @Override
    public void close() {
        cache.close();
    }
}
