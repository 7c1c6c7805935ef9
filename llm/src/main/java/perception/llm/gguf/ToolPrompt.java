package perception.llm.gguf;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ContentPart;
import perception.llm.ToolCall;
import perception.llm.ToolSpec;

/**
 * Tools for a chat template that knows none (SmolLM2's, many small models'): the functions are
 * described in the system message in the Hermes / Qwen 2.5 words, an assistant's earlier calls are
 * written back as {@code <tool_call>} text and tool results as {@code <tool_response>} user turns —
 * the format {@link perception.llm.embedded.ToolCallParser} reads back out of the answer.
 */
final class ToolPrompt {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolPrompt() {
    }

    /** Whether a template renders the {@code tools} variable itself. */
    static boolean templateRendersTools(String template) {
        return template != null && template.contains("tools");
    }

    static List<ChatMessage> inline(List<ChatMessage> messages, List<ToolSpec> tools) {
        List<ChatMessage> out = new ArrayList<>();
        String block = toolsBlock(tools);
        boolean placed = false;
        for (ChatMessage m : messages) {
            if (m.role() == Role.SYSTEM && !placed && !tools.isEmpty()) {
                out.add(ChatMessage.text(Role.SYSTEM, m.text().strip() + "\n\n" + block));
                placed = true;
            } else if (m.role() == Role.ASSISTANT && !m.toolCalls().isEmpty()) {
                StringBuilder b = new StringBuilder(m.text());
                for (ToolCall c : m.toolCalls()) {
                    b.append(b.length() > 0 ? "\n" : "").append("<tool_call>\n{\"name\": ").append(JSON.valueToTree(c.name()))
                            .append(", \"arguments\": ").append(c.arguments().isBlank() ? "{}" : c.arguments()).append("}\n</tool_call>");
                }
                out.add(new ChatMessage(Role.ASSISTANT, List.of(new ContentPart.Text(b.toString()))));
            } else if (m.role() == Role.TOOL) {
                out.add(ChatMessage.text(Role.USER, "<tool_response>\n" + m.text() + "\n</tool_response>"));
            } else {
                out.add(m);
            }
        }
        if (!placed && !tools.isEmpty()) out.add(0, ChatMessage.text(Role.SYSTEM, block));
        return out;
    }

    static String toolsBlock(List<ToolSpec> tools) {
        StringBuilder b = new StringBuilder("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>");
        for (ToolSpec t : tools) {
            ObjectNode function = JSON.createObjectNode();
            function.put("name", t.name());
            function.put("description", t.description());
            function.set("parameters", t.parameters());
            ObjectNode spec = JSON.createObjectNode();
            spec.put("type", "function");
            spec.set("function", function);
            b.append('\n').append(spec);
        }
        return b.append("\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
                + "<tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>")
                .toString();
    }
}
