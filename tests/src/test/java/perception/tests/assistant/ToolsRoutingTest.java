package perception.tests.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.onnx.testmodel.ToolCallTestModel;
import perception.tests.TestGateway;
import perception.tests.llm.ChatClient;

/**
 * assistant_routing=tools through the real server: the client sends no tools; the gateway offers
 * its built-in skills to the embedded known-answer model, which calls {@code calculator} with
 * "17*23"; the server runs the built-in calculator and the model's answer copies the result from
 * the tool's output (so it is 391 only if the skill really ran and its output reached the prompt).
 */
class ToolsRoutingTest {
    @TempDir
    static Path dir;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "embedded", "assistant_routing", "tools",
                "llm_model_dir", ToolCallTestModel.write(dir.resolve("tool-llm")).toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static JsonObject question() {
        return new JsonObject().put("model", "tool-llm").put("max_tokens", 64)
                .put("messages", new JsonArray().add(ChatClient.user("What is 17 times 23?")));
    }

    @Test
    void theServerRunsTheSkillTheModelCalledAndTheAnswerHoldsItsResult() throws Exception {
        ChatClient.Answer plain = ChatClient.plain(gateway.url("/v1/chat/completions"), question());
        assertEquals("stop", plain.finishReason());
        assertEquals("The answer is 391.", plain.content());
        assertEquals(0, plain.toolCalls().size(), "server-run skills are not the client's calls");

        ChatClient.Answer streamed = ChatClient.streamed(gateway.url("/v1/chat/completions"), question());
        assertEquals("The answer is 391.", streamed.content(), "no <tool_call> text leaks into the stream");
    }
}
