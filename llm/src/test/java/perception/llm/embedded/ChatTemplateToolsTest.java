package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ToolCall;
import perception.llm.ToolSpec;
import perception.llm.onnx.testmodel.TestModelFolder;

/** Tools, tool calls and tool results rendered by Qwen2.5's chat template as transformers renders them. */
class ChatTemplateToolsTest {
    /**
     * Rendered by Python's Jinja2 3.1.6 the way transformers' apply_chat_template does
     * (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, tojson = json.dumps with
     * ensure_ascii=False), with tools=[calculator] and the conversation below.
     */
    static final String HF = "<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n{\"type\": \"function\", \"function\": {\"name\": \"calculator\", \"description\": \"Exact arithmetic.\", \"parameters\": {\"type\": \"object\", \"properties\": {\"expression\": {\"type\": \"string\"}}, \"required\": [\"expression\"]}}}\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n<|im_start|>user\nWhat is 17 times 23?<|im_end|>\n<|im_start|>assistant\n<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"17*23\"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n{\"result\":\"391\"}\n</tool_response><|im_end|>\n<|im_start|>assistant\n";

    @Test
    void toolsCallsAndResultsRenderAsInTransformers() throws Exception {
        ChatTemplate template = new ChatTemplate(TestModelFolder.CHATML_TEMPLATE, Map.of("bos_token", "<|endoftext|>", "eos_token", "<|im_end|>"));
        ObjectNode params = (ObjectNode) new ObjectMapper().readTree(
                "{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\"}},\"required\":[\"expression\"]}");
        List<ChatMessage> messages = List.of(ChatMessage.text(Role.SYSTEM, "Be brief."), ChatMessage.text(Role.USER, "What is 17 times 23?"),
                ChatMessage.toolCalls("", List.of(new ToolCall("call_1", "calculator", "{\"expression\":\"17*23\"}"))),
                ChatMessage.toolResult("call_1", "{\"result\":\"391\"}"));
        assertEquals(HF, template.render(messages, List.of(new ToolSpec("calculator", "Exact arithmetic.", params)), true, false));
    }

    @Test
    void withoutToolsTheTemplateHasNoToolSection() {
        ChatTemplate template = new ChatTemplate(TestModelFolder.CHATML_TEMPLATE, Map.of());
        String plain = template.render(List.of(ChatMessage.text(Role.USER, "hi")), List.of(), true, false);
        assertFalse(plain.contains("<tools>"), plain);
        assertEquals(template.render(List.of(ChatMessage.text(Role.USER, "hi")), true, false), plain);
    }
}
