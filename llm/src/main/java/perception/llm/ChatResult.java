package perception.llm;

/**
 * How a generation ended: the whole text (as streamed), why it stopped, token counts and timings
 * (time to first token and total, in milliseconds).
 */
public record ChatResult(String text, FinishReason finishReason, int promptTokens, int completionTokens,
                         double firstTokenMillis, double totalMillis) {

    public enum FinishReason {
        /** EOS token or a stop string. */
        STOP,
        /** max_tokens or the context length reached. */
        LENGTH,
        /** The caller cancelled. */
        CANCELLED;

        public String wireName() {
            return this == CANCELLED ? "cancelled" : name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
