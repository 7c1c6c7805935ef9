package perception.llm;

import java.util.List;

/**
 * How a generation ended: the whole text (as streamed), why it stopped, token counts and timings
 * (time to first token and total, in milliseconds), and the tool calls the model made (finish
 * reason {@link FinishReason#TOOL_CALLS}).
 */
public record ChatResult(String text, FinishReason finishReason, int promptTokens, int completionTokens,
                         double firstTokenMillis, double totalMillis, List<ToolCall> toolCalls) {

    public enum FinishReason {
        /** EOS token or a stop string. */
        STOP,
        /** max_tokens or the context length reached. */
        LENGTH,
        /** The caller cancelled. */
        CANCELLED,
        /** The model called one or more tools and waits for their output. */
        TOOL_CALLS;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static FinishReason parse(String wire) {
            for (FinishReason r : values()) if (r.wireName().equals(wire)) return r;
            return STOP;
        }
    }

    public ChatResult {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public ChatResult(String text, FinishReason finishReason, int promptTokens, int completionTokens, double firstTokenMillis, double totalMillis) {
        this(text, finishReason, promptTokens, completionTokens, firstTokenMillis, totalMillis, List.of());
    }
}
