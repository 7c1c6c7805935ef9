package perception.llm.embedded;

import java.util.Arrays;
import java.util.Random;
import perception.llm.Sampling;

/**
 * Picks the next token from logits: repetition penalty (transformers' rule), then greedy argmax,
 * or temperature → top-k → top-p → a draw from a seeded Random. One instance per generation.
 */
public final class Sampler {
    private final Sampling sampling;
    private final Random random;

    public Sampler(Sampling sampling) {
        this.sampling = sampling;
        this.random = new Random(sampling.seed() != null ? sampling.seed() : System.nanoTime());
    }

    /** Chooses a token; {@code seen} holds the ids already in the sequence (penalised when asked). Modifies logits. */
    public int next(float[] logits, TokenSet seen) {
        if (sampling.repetitionPenalty() != 1.0) {
            float p = (float) sampling.repetitionPenalty();
            seen.forEach(id -> {
                if (id < logits.length) logits[id] = logits[id] > 0 ? logits[id] / p : logits[id] * p;
            });
        }
        if (sampling.greedy()) return argmax(logits);
        int n = logits.length;
        int keep = n;
        if (sampling.topK() > 0 && sampling.topK() < n) keep = sampling.topK();
        // candidate ids by descending logit (only the first `keep` matter)
        int[] ids = topIndices(logits, keep);
        double t = sampling.temperature();
        double max = logits[ids[0]];
        double[] probs = new double[ids.length];
        double sum = 0;
        for (int i = 0; i < ids.length; i++) {
            probs[i] = Math.exp((logits[ids[i]] - max) / t);
            sum += probs[i];
        }
        int cut = ids.length;
        if (sampling.topP() < 1) {
            double cumulative = 0;
            for (int i = 0; i < ids.length; i++) {
                cumulative += probs[i] / sum;
                if (cumulative >= sampling.topP()) {
                    cut = i + 1;
                    break;
                }
            }
            sum = 0;
            for (int i = 0; i < cut; i++) sum += probs[i];
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < cut; i++) {
            r -= probs[i];
            if (r <= 0) return ids[i];
        }
        return ids[cut - 1];
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Indices of the k largest values, largest first (full sort when k is the whole vocabulary). */
    static int[] topIndices(float[] logits, int k) {
        int n = logits.length;
        if (k >= n) {
            return java.util.stream.IntStream.range(0, n).boxed()
                    .sorted((a, b) -> Float.compare(logits[b], logits[a])).mapToInt(Integer::intValue).toArray();
        }
        int[] heap = new int[k]; // min-heap on logit
        int size = 0;
        for (int i = 0; i < n; i++) {
            if (size < k) {
                heap[size] = i;
                siftUp(heap, size++, logits);
            } else if (logits[i] > logits[heap[0]]) {
                heap[0] = i;
                siftDown(heap, k, logits);
            }
        }
        int[] out = Arrays.copyOf(heap, k);
        Integer[] boxed = Arrays.stream(out).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, (a, b) -> Float.compare(logits[b], logits[a]));
        for (int i = 0; i < k; i++) out[i] = boxed[i];
        return out;
    }

    private static void siftUp(int[] h, int i, float[] v) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (v[h[i]] >= v[h[parent]]) return;
            int t = h[i]; h[i] = h[parent]; h[parent] = t;
            i = parent;
        }
    }

    private static void siftDown(int[] h, int size, float[] v) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && v[h[l]] < v[h[m]]) m = l;
            if (r < size && v[h[r]] < v[h[m]]) m = r;
            if (m == i) return;
            int t = h[i]; h[i] = h[m]; h[m] = t;
            i = m;
        }
    }

    /** Distinct token ids of a sequence, for the repetition penalty. */
    public static final class TokenSet {
        private final java.util.BitSet bits = new java.util.BitSet();

        public void add(long id) {
            if (id >= 0 && id < Integer.MAX_VALUE) bits.set((int) id);
        }

        void forEach(java.util.function.IntConsumer action) {
            bits.stream().forEach(action);
        }
    }
}
