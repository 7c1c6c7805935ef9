package perception.llm;

/**
 * How the next token is chosen. temperature 0 means greedy; topK 0 and topP 1 disable those
 * filters; repetitionPenalty 1 disables it (HF semantics: positive logits of seen tokens divided,
 * negative ones multiplied). seed makes sampling reproducible; null picks one at random.
 */
public record Sampling(double temperature, int topK, double topP, double repetitionPenalty, Long seed) {
    public static final Sampling GREEDY = new Sampling(0, 0, 1, 1, null);

    public Sampling {
        if (!(temperature >= 0) || temperature > 100) throw new IllegalArgumentException("temperature must be between 0 and 100, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top_k must be 0 (off) or positive, got " + topK);
        if (!(topP > 0) || topP > 1) throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        if (!(repetitionPenalty > 0)) throw new IllegalArgumentException("repetition_penalty must be above 0, got " + repetitionPenalty);
    }

    public boolean greedy() {
        return temperature == 0 || topK == 1;
    }
}
