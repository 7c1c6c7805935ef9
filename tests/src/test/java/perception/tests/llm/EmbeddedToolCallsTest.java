package perception.tests.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.onnx.testmodel.ToolCallTestModel;
import perception.llm.tools.TestCalculator;
import perception.tests.TestGateway;

/**
 * A tool call made by a known-answer embedded ONNX model ({@link ToolCallTestModel}) through the
 * real server: the client sends tools, gets tool_calls, runs the calculator itself, posts the
 * tool message back, and the answer holds the result — plain and streamed. A model that writes a
 * malformed call gets a clear error, and the gateway keeps serving.
 */
class EmbeddedToolCallsTest {
    @TempDir
    static Path dir;
    static TestGateway gateway;
    static TestGateway broken;
    static final TestCalculator CALCULATOR = new TestCalculator();

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "embedded",
                "llm_model_dir", ToolCallTestModel.write(dir.resolve("tool-llm")).toString());
        broken = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "embedded",
                "llm_model_dir", ToolCallTestModel.write(dir.resolve("broken-tool-llm"), ToolCallTestModel.MALFORMED_CALL).toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (broken != null) broken.close();
    }

    static JsonObject request() {
        return new JsonObject().put("model", "tool-llm").put("max_tokens", 64)
                .put("messages", new JsonArray().add(ChatClient.user("What is 17 times 23?")))
                .put("tools", new JsonArray().add(ChatClient.tool(CALCULATOR.name(), CALCULATOR.description(),
                        new JsonObject(CALCULATOR.parameters().toString()))));
    }

    /** Runs the call as a client would, with its own calculator, and returns the tool message. */
    static JsonObject run(JsonObject call) throws Exception {
        JsonObject f = call.getJsonObject("function");
        assertEquals("calculator", f.getString("name"));
        ObjectNode args = (ObjectNode) new ObjectMapper().readTree(f.getString("arguments"));
        String output = CALCULATOR.run(args, null).data().toString();
        return new JsonObject().put("role", "tool").put("tool_call_id", call.getString("id")).put("content", output);
    }

    @Test
    void plainRoundTripAnswersWithTheToolsResult() throws Exception {
        String url = gateway.url("/v1/chat/completions");
        JsonObject req = request();
        ChatClient.Answer first = ChatClient.plain(url, req);
        assertEquals("tool_calls", first.finishReason());
        assertEquals(null, first.content(), "the call's text is not the answer");
        assertEquals(1, first.toolCalls().size());
        JsonObject call = first.toolCalls().getJsonObject(0);
        assertTrue(call.getString("id").startsWith("call_"), call.encode());
        assertEquals("{\"expression\":\"17*23\"}", call.getJsonObject("function").getString("arguments"));
        req.getJsonArray("messages").add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", first.toolCalls()))
                .add(run(call));
        ChatClient.Answer second = ChatClient.plain(url, req);
        assertEquals("stop", second.finishReason());
        assertEquals("The answer is 391.", second.content());
        assertTrue(second.toolCalls().isEmpty());
    }

    @Test
    void streamedRoundTripAnswersWithTheToolsResult() throws Exception {
        String url = gateway.url("/v1/chat/completions");
        JsonObject req = request();
        ChatClient.Answer first = ChatClient.streamed(url, req);
        assertEquals("tool_calls", first.finishReason());
        assertEquals("", first.content(), "no <tool_call> text leaks into the content deltas");
        JsonObject call = first.toolCalls().getJsonObject(0);
        assertEquals("{\"expression\":\"17*23\"}", call.getJsonObject("function").getString("arguments"));
        req.getJsonArray("messages").add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", first.toolCalls()))
                .add(run(call).put("content", "{\"result\": 391}"));
        ChatClient.Answer second = ChatClient.streamed(url, req);
        assertEquals("stop", second.finishReason());
        assertEquals("The answer is 391.", second.content());
    }

    @Test
    void toolChoiceNoneLeavesTheModelsTextAlone() throws Exception {
        ChatClient.Answer a = ChatClient.plain(gateway.url("/v1/chat/completions"), request().put("tool_choice", "none"));
        assertEquals("stop", a.finishReason());
        assertEquals("<tool_call>" + ToolCallTestModel.CALL + "</tool_call>", a.content());
    }

    @Test
    void aMalformedCallIsReportedAndTheGatewayKeepsServing() throws Exception {
        String url = broken.url("/v1/chat/completions");
        HttpResponse<String> plain = ChatClient.post(url, request().put("model", "broken-tool-llm").encode());
        assertEquals(502, plain.statusCode(), plain.body());
        JsonObject error = new JsonObject(plain.body()).getJsonObject("error");
        assertEquals("invalid_tool_call", error.getString("code"));
        assertTrue(error.getString("message").contains("not valid JSON"), error.getString("message"));

        // nothing was streamed before the bad call (its text is withheld), so even a stream gets a plain error
        HttpResponse<String> streamed = ChatClient.post(url, request().put("model", "broken-tool-llm").put("stream", true).encode());
        assertEquals(502, streamed.statusCode(), streamed.body());
        assertEquals("invalid_tool_call", new JsonObject(streamed.body()).getJsonObject("error").getString("code"));

        ChatClient.Answer text = ChatClient.plain(url, request().put("model", "broken-tool-llm").put("tool_choice", "none"));
        assertEquals("<tool_call>" + ToolCallTestModel.MALFORMED_CALL + "</tool_call>", text.content(), "still serving");
    }
}
