package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ContentPart;
import perception.llm.onnx.testmodel.TestModelFolder;

/**
 * Real published templates (llm/src/main/resources/perception/llm/templates/README.md gives their
 * sources) render exactly as Hugging Face renders them.
 */
class ChatTemplateTest {
    private final ChatTemplate qwen = new ChatTemplate(TestModelFolder.CHATML_TEMPLATE, Map.of());
    private final ChatTemplate smolvlm = new ChatTemplate(TestModelFolder.SMOLVLM_TEMPLATE, Map.of());

    @Test
    void qwenTemplateMatchesTheHuggingFaceRendering() {
        List<ChatMessage> chat = List.of(
                ChatMessage.text(Role.USER, "Hello, how are you?"),
                ChatMessage.text(Role.ASSISTANT, "I'm doing great. How can I help you today?"),
                ChatMessage.text(Role.USER, "I'd like to show off how chat templating works!"));
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHello, how are you?<|im_end|>\n"
                + "<|im_start|>assistant\nI'm doing great. How can I help you today?<|im_end|>\n"
                + "<|im_start|>user\nI'd like to show off how chat templating works!<|im_end|>\n", qwen.render(chat, false, false));
    }

    @Test
    void qwenTemplateWithSystemPromptAndGenerationPrompt() {
        List<ChatMessage> chat = List.of(ChatMessage.text(Role.SYSTEM, "Be brief."), ChatMessage.text(Role.USER, "Hi"));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                qwen.render(chat, true, false));
    }

    @Test
    void qwenTemplateRendersToolsWithPythonJson() {
        Map<String, Object> tool = new java.util.LinkedHashMap<>();
        tool.put("name", "get_time");
        tool.put("parameters", Map.of("type", "object"));
        String out = qwen.render(Map.of("messages", List.of(Map.of("role", "user", "content", "t?")),
                "tools", List.of(tool), "add_generation_prompt", true));
        assertEquals(true, out.contains("<tools>\n{\"name\": \"get_time\", \"parameters\": {\"type\": \"object\"}}\n</tools>"), out);
    }

    @Test
    void smolvlmTemplateMatchesTheHuggingFaceRendering() {
        List<ChatMessage> chat = List.of(new ChatMessage(Role.USER,
                List.of(new ContentPart.Image(new byte[] {1}, "image/png"), new ContentPart.Text("Can you describe this image?"))));
        assertEquals("<|im_start|>User:<image>Can you describe this image?<end_of_utterance>\nAssistant:", smolvlm.render(chat, true, true));
    }

    @Test
    void raiseExceptionFailsTheRender() {
        ChatTemplate t = new ChatTemplate("{{ raise_exception('roles must alternate') }}", Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.render(List.of(ChatMessage.text(Role.USER, "x")), true, false));
        assertEquals(true, e.getMessage().contains("roles must alternate"), e.getMessage());
    }
}
