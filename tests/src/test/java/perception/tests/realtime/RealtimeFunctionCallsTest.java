package perception.tests.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.llm.onnx.testmodel.ToolCallTestModel;
import perception.llm.tools.TestCalculator;
import perception.tests.TestGateway;

/**
 * Client functions over /v1/realtime with OpenAI Realtime's events: a function in
 * {@code session.tools}, a typed question, the embedded known-answer model calls it
 * ({@code function_call} item, arguments delta/done), the client runs it and sends a
 * {@code function_call_output}, and the next response answers with the result.
 */
class RealtimeFunctionCallsTest {
    static TestGateway gateway;
    static final TestCalculator CALCULATOR = new TestCalculator();

    @BeforeAll
    static void start() throws Exception {
        // assistant_routing llm: the model itself, not the calculator skill, answers the sums here
        gateway = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "embedded", "assistant_routing", "llm",
                "llm_model_dir", ToolCallTestModel.write(Files.createTempDirectory("tool-llm")).toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static JsonObject calculatorTool() {
        return new JsonObject().put("type", "function").put("name", CALCULATOR.name()).put("description", CALCULATOR.description())
                .put("parameters", new JsonObject(CALCULATOR.parameters().toString()));
    }

    static void textSession(RealtimeClient c, JsonObject extra) throws Exception {
        c.await("session.created", 5000);
        c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject()
                .put("output_modalities", new JsonArray().add("text"))
                .put("audio", new JsonObject().put("input", new JsonObject().putNull("turn_detection"))).mergeIn(extra)));
    }

    static void ask(RealtimeClient c, String text) throws Exception {
        c.send(new JsonObject().put("type", "conversation.item.create").put("item", new JsonObject().put("type", "message")
                .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text)))));
        c.await("conversation.item.created", 5000);
        c.send(new JsonObject().put("type", "response.create"));
    }

    @Test
    void aClientFunctionIsCalledAndItsOutputAnswered() throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            textSession(c, new JsonObject().put("tools", new JsonArray().add(calculatorTool())).put("tool_choice", "auto"));
            JsonObject session = c.await("session.updated", 5000).getJsonObject("session");
            assertEquals(new JsonArray().add(calculatorTool()), session.getJsonArray("tools"));
            assertEquals("auto", session.getString("tool_choice"));
            ask(c, "What is 17 times 23?");

            JsonObject added = c.await(e -> "response.output_item.added".equals(e.getString("type"))
                    && "function_call".equals(e.getJsonObject("item").getString("type")), 30_000);
            JsonObject item = added.getJsonObject("item");
            String callId = item.getString("call_id");
            assertEquals("calculator", item.getString("name"));
            assertTrue(callId.startsWith("call_"), item.encode());
            StringBuilder deltas = new StringBuilder();
            JsonObject argsDone = c.await(e -> {
                if ("response.function_call_arguments.delta".equals(e.getString("type"))) {
                    assertEquals(callId, e.getString("call_id"));
                    assertEquals(item.getString("id"), e.getString("item_id"));
                    deltas.append(e.getString("delta"));
                }
                return "response.function_call_arguments.done".equals(e.getString("type"));
            }, 30_000);
            assertEquals("{\"expression\":\"17*23\"}", argsDone.getString("arguments"));
            assertEquals(argsDone.getString("arguments"), deltas.toString());
            assertEquals("calculator", argsDone.getString("name"));
            JsonObject itemDone = c.await("response.output_item.done", 5000).getJsonObject("item");
            assertEquals("function_call", itemDone.getString("type"));
            assertEquals("completed", itemDone.getString("status"));
            JsonObject first = c.await("response.done", 10_000).getJsonObject("response");
            assertEquals("completed", first.getString("status"));
            List<String> outputTypes = first.getJsonArray("output").stream().map(o -> ((JsonObject) o).getString("type")).toList();
            assertTrue(outputTypes.contains("function_call"), first.encode());
            assertTrue(c.types().stream().noneMatch(t -> t.equals("response.output_text.delta")), "the call is not said as text: " + c.types());

            // the client runs its function and answers
            ObjectNode args = (ObjectNode) new ObjectMapper().readTree(argsDone.getString("arguments"));
            String output = CALCULATOR.run(args, null).data().toString();
            c.send(new JsonObject().put("type", "conversation.item.create").put("item", new JsonObject()
                    .put("type", "function_call_output").put("call_id", callId).put("output", output)));
            JsonObject created = c.await("conversation.item.created", 5000).getJsonObject("item");
            assertEquals("function_call_output", created.getString("type"));
            assertEquals(callId, created.getString("call_id"));
            c.send(new JsonObject().put("type", "response.create"));
            JsonObject text = c.await("response.output_text.done", 30_000);
            assertEquals("The answer is 391.", text.getString("text"));
            assertEquals("completed", c.await("response.done", 10_000).getJsonObject("response").getString("status"));
        }
    }

    @Test
    void withoutToolsTheCallIsJustText() throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            textSession(c, new JsonObject());
            c.await("session.updated", 5000);
            ask(c, "What is 17 times 23?");
            assertEquals("<tool_call>" + ToolCallTestModel.CALL + "</tool_call>", c.await("response.output_text.done", 30_000).getString("text"));
        }
    }

    @Test
    void badToolsAreRefusedAndTheSessionKeepsItsSettings() throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            c.await("session.created", 5000);
            for (JsonObject bad : List.of(new JsonObject().put("tools", "calculator"),
                    new JsonObject().put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("name", "bad name"))),
                    new JsonObject().put("tools", new JsonArray().add(calculatorTool())).put("tool_choice", new JsonObject().put("type", "function").put("name", "other")),
                    new JsonObject().put("tool_choice", "required"))) {
                c.send(new JsonObject().put("type", "session.update").put("session", bad));
                JsonObject error = c.await("error", 5000).getJsonObject("error");
                assertEquals("invalid_value", error.getString("code"), error.encode());
            }
            c.send(new JsonObject().put("type", "conversation.item.create").put("item", new JsonObject().put("type", "function_call_output").put("output", "1")));
            assertTrue(c.await("error", 5000).getJsonObject("error").getString("message").contains("call_id"));
            assertTrue(c.types().stream().noneMatch(t -> t.equals("session.updated")), c.types().toString());
        }
    }
}
