package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import perception.llm.Sampling;

class SamplerTest {
    private static float[] logits() {
        return new float[] {1f, 3f, 2.5f, -1f, 0.5f, 2.9f};
    }

    private static int[] draw(Sampling s, int n) {
        Sampler sampler = new Sampler(s);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = sampler.next(logits(), new Sampler.TokenSet());
        return out;
    }

    @Test
    void greedyTakesTheArgmax() {
        assertEquals(1, new Sampler(Sampling.GREEDY).next(logits(), new Sampler.TokenSet()));
        assertEquals(1, new Sampler(new Sampling(0.8, 1, 1, 1, 5L)).next(logits(), new Sampler.TokenSet()));
    }

    @Test
    void sameSeedSameDraws() {
        Sampling s = new Sampling(1.0, 0, 1.0, 1.0, 42L);
        assertEquals(java.util.Arrays.toString(draw(s, 50)), java.util.Arrays.toString(draw(s, 50)));
        assertNotEquals(java.util.Arrays.toString(draw(s, 50)), java.util.Arrays.toString(draw(new Sampling(1.0, 0, 1.0, 1.0, 43L), 50)));
    }

    @Test
    void topKAndTopPRestrictTheCandidates() {
        Set<Integer> seen = new HashSet<>();
        for (int t : draw(new Sampling(5.0, 2, 1.0, 1.0, 1L), 300)) seen.add(t);
        assertEquals(Set.of(1, 5), seen);
        seen.clear();
        // probabilities at T=1: 3.0 → .36, 2.9 → .33, 2.5 → .22 ...; top_p 0.6 keeps the first two
        for (int t : draw(new Sampling(1.0, 0, 0.6, 1.0, 1L), 300)) seen.add(t);
        assertEquals(Set.of(1, 5), seen);
        seen.clear();
        for (int t : draw(new Sampling(1.0, 0, 1.0, 1.0, 1L), 2000)) seen.add(t);
        assertTrue(seen.containsAll(Set.of(0, 1, 2, 3, 4, 5)), seen.toString());
    }

    @Test
    void repetitionPenaltyDemotesSeenTokens() {
        Sampler.TokenSet seen = new Sampler.TokenSet();
        seen.add(1);
        seen.add(5);
        assertEquals(2, new Sampler(new Sampling(0, 0, 1, 1.3, null)).next(logits(), seen));
        float[] negative = {-1f, -1.1f};
        Sampler.TokenSet first = new Sampler.TokenSet();
        first.add(0);
        assertEquals(1, new Sampler(new Sampling(0, 0, 1, 1.2, null)).next(negative, first));
    }

    @Test
    void topIndicesAreOrdered() {
        assertEquals("[1, 5, 2]", java.util.Arrays.toString(Sampler.topIndices(logits(), 3)));
    }

    @Test
    void theNucleusEqualsTheSortedPrefixOverAWholeVocabulary() {
        java.util.Random r = new java.util.Random(7);
        float[] logits = new float[49152];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (r.nextGaussian() * 3);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        double max = logits[order[0]], z = 0;
        for (float l : logits) z += Math.exp((l - max) / 0.7);
        java.util.List<Integer> expected = new java.util.ArrayList<>();
        double cumulative = 0;
        for (int id : order) {
            if (cumulative >= 0.9) break;
            expected.add(id);
            cumulative += Math.exp((logits[id] - max) / 0.7) / z;
        }
        int[] nucleus = Sampler.nucleus(logits, 0.9, 0.7);
        assertEquals(expected, java.util.Arrays.stream(nucleus).boxed().toList());
        assertTrue(nucleus.length > 10 && nucleus.length < logits.length, "a real nucleus: " + nucleus.length);
    }
}
