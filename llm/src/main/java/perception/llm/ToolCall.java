package perception.llm;

import java.util.UUID;

/**
 * A call the model made: its id (the tool message that answers it carries the same id), the
 * function name, and the arguments as JSON text, exactly as the model wrote them (OpenAI keeps
 * them a string, since a model may write JSON that does not parse).
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a tool call needs an id");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a tool call needs a function name");
        if (arguments == null) arguments = "{}";
    }

    /** A fresh id in OpenAI's style ({@code call_} and 24 characters). */
    public static String newId() {
        return "call_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    /**
     * A piece of a call as it streams (OpenAI's {@code delta.tool_calls[]}): the first piece of the
     * call at {@code index} carries its id and name, later ones only more argument text.
     */
    public record Delta(int index, String id, String name, String arguments) {
    }
}
