package perception.llm.embedded;

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
        // candidate ids by descending logit: the top k when asked, else the nucleus (top-p) or the whole vocabulary
        int[] ids = sampling.topK() > 0 && sampling.topK() < n ? topIndices(logits, sampling.topK())
                : sampling.topP() < 1 ? nucleus(logits, sampling.topP(), sampling.temperature()) : null;
        double t = sampling.temperature();
        double max = ids != null ? logits[ids[0]] : logits[argmax(logits)];
        int count = ids != null ? ids.length : n;
        double[] probs = new double[count];
        double sum = 0;
        for (int i = 0; i < count; i++) {
            probs[i] = Math.exp((logits[ids != null ? ids[i] : i] - max) / t);
            sum += probs[i];
        }
        int cut = count;
        if (sampling.topP() < 1 && sampling.topK() > 0 && sampling.topK() < n) {
            double cumulative = 0;
            for (int i = 0; i < count; i++) {
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
            if (r <= 0) return ids != null ? ids[i] : i;
        }
        return ids != null ? ids[cut - 1] : cut - 1;
    }

    /**
     * The smallest set of most likely ids whose probability reaches {@code topP}, most likely
     * first: a max-heap over the vocabulary (built in linear time) popped only as far as the
     * nucleus reaches, so a typical token costs a few hundred pops, not a sort of the vocabulary.
     */
    static int[] nucleus(float[] logits, double topP, double temperature) {
        int n = logits.length;
        double max = logits[argmax(logits)];
        double z = 0;
        for (float l : logits) z += Math.exp((l - max) / temperature);
        int[] heap = new int[n];
        for (int i = 0; i < n; i++) heap[i] = i;
        for (int i = n / 2 - 1; i >= 0; i--) siftDownMax(heap, i, n, logits);
        int size = n, taken = 0;
        double cumulative = 0;
        while (size > 0 && cumulative < topP) {
            int top = heap[0];
            heap[0] = heap[--size];
            siftDownMax(heap, 0, size, logits);
            heap[size] = top; // popped ids collect at the end, most likely last
            taken++;
            cumulative += Math.exp((logits[top] - max) / temperature) / z;
        }
        int[] out = new int[taken];
        for (int i = 0; i < taken; i++) out[i] = heap[n - 1 - i];
        return out;
    }

    private static void siftDownMax(int[] h, int i, int size, float[] v) {
        while (true) {
            int l = 2 * i + 1, r = l + 1, m = i;
            if (l < size && v[h[l]] > v[h[m]]) m = l;
            if (r < size && v[h[r]] > v[h[m]]) m = r;
            if (m == i) return;
            int t = h[i]; h[i] = h[m]; h[m] = t;
            i = m;
        }
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    /** Indices of the k largest values, largest first (k less than the vocabulary). */
    static int[] topIndices(float[] logits, int k) {
        int n = logits.length;
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
        int[] out = new int[k];
        for (int i = k - 1; i >= 0; i--) { // popping the min-heap gives the smallest first
            out[i] = heap[0];
            heap[0] = heap[--size];
            siftDown(heap, size, logits);
        }
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
