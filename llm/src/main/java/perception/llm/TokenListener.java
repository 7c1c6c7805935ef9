package perception.llm;

/**
 * Receives generated text as it is made (one or more tokens' worth; never splits a character),
 * and the pieces of tool calls as they are made (ignored unless overridden).
 */
@FunctionalInterface
public interface TokenListener {
    void onText(String text);

    default void onToolCall(ToolCall.Delta delta) {
    }

    TokenListener NONE = text -> { };
}
