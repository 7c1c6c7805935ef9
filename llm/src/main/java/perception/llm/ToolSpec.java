package perception.llm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.regex.Pattern;

/**
 * A function the model may call (OpenAI {@code tools[].function}): its name, when to use it, and
 * the JSON schema of its arguments object.
 */
public record ToolSpec(String name, String description, ObjectNode parameters) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    public ToolSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("tool name '" + name + "' must be 1 to 64 letters, digits, _ or -");
        }
        if (description == null) description = "";
        if (parameters == null) parameters = JsonNodeFactory.instance.objectNode().put("type", "object");
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }
}
