package perception.tests.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import perception.tests.TestGateway;

/**
 * The gateway in front of a real local HTTP server speaking OpenAI (JDK HttpServer on loopback)
 * that answers with tool calls, as a plain JSON body or as SSE chunks exactly as OpenAI streams
 * them: the gateway forwards the client's tools, tool choice and tool messages, and relays the
 * calls plain and streamed.
 */
class RemoteToolCallsTest {
    static HttpServer upstream;
    static TestGateway gateway;
    static final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    /** What the upstream answers next: "json", "sse" (two calls, streamed) or "text". */
    static volatile String mode = "json";

    static final JsonObject WEATHER_PARAMS = new JsonObject().put("type", "object")
            .put("properties", new JsonObject().put("city", new JsonObject().put("type", "string")))
            .put("required", new JsonArray().add("city"));

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/v1/chat/completions", RemoteToolCallsTest::answer);
        upstream.start();
        gateway = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "remote",
                "llm_url", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1", "llm_model", "gpt-test");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (upstream != null) upstream.stop(0);
    }

    @BeforeEach
    void clear() {
        received.clear();
    }

    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-test\","
                + "\"system_fingerprint\":\"fp_test\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
    }

    static void answer(HttpExchange ex) throws IOException {
        received.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        String m = mode;
        if (m.equals("json") || m.equals("text")) {
            JsonObject message = m.equals("json")
                    ? new JsonObject().put("role", "assistant").putNull("content").putNull("refusal").put("tool_calls", new JsonArray()
                            .add(new JsonObject().put("id", "call_plain1").put("type", "function").put("function",
                                    new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"))))
                    : new JsonObject().put("role", "assistant").put("content", "It is 18 degrees in Paris.");
            byte[] body = new JsonObject().put("id", "chatcmpl-up0").put("object", "chat.completion").put("created", 1733000000)
                    .put("model", "gpt-test").put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message)
                            .putNull("logprobs").put("finish_reason", m.equals("json") ? "tool_calls" : "stop")))
                    .put("usage", new JsonObject().put("prompt_tokens", 80).put("completion_tokens", 17).put("total_tokens", 97))
                    .encode().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
            return;
        }
        ex.getResponseHeaders().add("content-type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            List<String> events = List.of(
                    chunk("{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_sse1\",\"type\":\"function\","
                            + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}],\"refusal\":null}", null),
                    chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"ci\"}}]}", null),
                    chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ty\\\": \\\"Par\"}}]}", null),
                    chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"is\\\"}\"}}]}", null),
                    chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_sse2\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", null),
                    chunk("{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"{\\\"city\\\": \\\"Tokyo\\\"}\"}}]}", null),
                    chunk("{}", "tool_calls"),
                    "data: {\"id\":\"chatcmpl-up1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"gpt-test\",\"choices\":[],"
                            + "\"usage\":{\"prompt_tokens\":80,\"completion_tokens\":30,\"total_tokens\":110}}\n\n",
                    "data: [DONE]\n\n");
            for (String e : events) {
                out.write(e.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        }
    }

    static JsonObject weatherRequest() {
        return new JsonObject().put("model", "gpt-test").put("messages", new JsonArray().add(ChatClient.user("Weather in Paris and Tokyo?")))
                .put("tools", new JsonArray().add(ChatClient.tool("get_weather", "Current weather in a city", WEATHER_PARAMS)))
                .put("tool_choice", "auto");
    }

    static JsonObject upstreamGot() throws InterruptedException {
        JsonObject r = received.poll(10, TimeUnit.SECONDS);
        assertTrue(r != null, "the upstream got no request");
        return r;
    }

    @Test
    void plainToolCallsAreRelayedAndTheToolsForwarded() throws Exception {
        mode = "json";
        ChatClient.Answer a = ChatClient.plain(gateway.url("/v1/chat/completions"), weatherRequest());
        assertEquals("tool_calls", a.finishReason());
        assertNull(a.content(), "a call without words has content null, as OpenAI answers");
        assertEquals(new JsonArray().add(new JsonObject().put("id", "call_plain1").put("type", "function")
                .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"))), a.toolCalls());
        JsonObject got = upstreamGot();
        assertEquals(new JsonArray().add(ChatClient.tool("get_weather", "Current weather in a city", WEATHER_PARAMS)), got.getJsonArray("tools"));
        assertEquals("auto", got.getString("tool_choice"));
    }

    @Test
    void streamedToolCallsAreRelayedAsDeltas() throws Exception {
        mode = "sse";
        ChatClient.Answer a = ChatClient.streamed(gateway.url("/v1/chat/completions"), weatherRequest());
        assertEquals("tool_calls", a.finishReason());
        assertEquals("", a.content());
        assertEquals(2, a.toolCalls().size(), a.chunks().toString());
        assertEquals("call_sse1", a.toolCalls().getJsonObject(0).getString("id"));
        assertEquals("{\"city\": \"Paris\"}", a.toolCalls().getJsonObject(0).getJsonObject("function").getString("arguments"));
        assertEquals("call_sse2", a.toolCalls().getJsonObject(1).getString("id"));
        assertEquals("{\"city\": \"Tokyo\"}", a.toolCalls().getJsonObject(1).getJsonObject("function").getString("arguments"));
        // the pieces stream as they came, not joined at the end
        long argumentChunks = a.chunks().stream().filter(c -> c.encode().contains("\"arguments\":\"is\\\"}\"")).count();
        assertEquals(1, argumentChunks, a.chunks().toString());
        assertTrue(upstreamGot().getJsonArray("tools") != null);
    }

    @Test
    void streamedUpstreamCallsReachAPlainClientWhole() throws Exception {
        mode = "sse";
        ChatClient.Answer a = ChatClient.plain(gateway.url("/v1/chat/completions"), weatherRequest());
        assertEquals("tool_calls", a.finishReason());
        assertEquals(List.of("call_sse1", "call_sse2"), a.toolCalls().stream().map(o -> ((JsonObject) o).getString("id")).toList());
        assertEquals("{\"city\": \"Tokyo\"}", a.toolCalls().getJsonObject(1).getJsonObject("function").getString("arguments"));
    }

    @Test
    void plainUpstreamCallsReachAStreamingClientAsDeltas() throws Exception {
        mode = "json";
        ChatClient.Answer a = ChatClient.streamed(gateway.url("/v1/chat/completions"), weatherRequest());
        assertEquals("tool_calls", a.finishReason());
        assertEquals("{\"city\":\"Paris\"}", a.toolCalls().getJsonObject(0).getJsonObject("function").getString("arguments"));
    }

    @Test
    void toolResultsAndTheNamedChoiceGoUpstream() throws Exception {
        mode = "text";
        JsonObject call = new JsonObject().put("id", "call_plain1").put("type", "function")
                .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Paris\"}"));
        JsonObject req = weatherRequest().put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")));
        req.getJsonArray("messages").add(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray().add(call)))
                .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_plain1").put("content", "{\"temperature_c\": 18}"));
        ChatClient.Answer a = ChatClient.plain(gateway.url("/v1/chat/completions"), req);
        assertEquals("It is 18 degrees in Paris.", a.content());
        assertEquals("stop", a.finishReason());
        JsonObject got = upstreamGot();
        JsonArray messages = got.getJsonArray("messages");
        assertEquals(new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray().add(call)), messages.getJsonObject(1));
        assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_plain1").put("content", "{\"temperature_c\": 18}"), messages.getJsonObject(2));
        assertEquals(new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_weather")), got.getJsonObject("tool_choice"));
    }

    @Test
    void malformedToolsGetA400InOpenAiShape() throws Exception {
        List<JsonObject> bad = List.of(
                weatherRequest().put("tools", "get_weather"),
                weatherRequest().put("tools", new JsonArray().add(new JsonObject().put("type", "retrieval"))),
                weatherRequest().put("tools", new JsonArray().add(ChatClient.tool("get weather!", "x", WEATHER_PARAMS))),
                weatherRequest().put("tools", new JsonArray().add(ChatClient.tool("f", "x", WEATHER_PARAMS)).add(ChatClient.tool("f", "y", WEATHER_PARAMS))),
                weatherRequest().put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("function",
                        new JsonObject().put("name", "f").put("parameters", "not a schema")))),
                weatherRequest().put("tool_choice", "sometimes"),
                weatherRequest().put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "other"))),
                weatherRequest().put("tools", new JsonArray()).put("tool_choice", "required"),
                weatherRequest().put("parallel_tool_calls", "yes"),
                weatherRequest().put("messages", new JsonArray().add(new JsonObject().put("role", "tool").put("content", "18"))),
                weatherRequest().put("messages", new JsonArray().add(new JsonObject().put("role", "assistant")
                        .put("tool_calls", new JsonArray().add(new JsonObject().put("type", "function"))))),
                weatherRequest().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")
                        .put("tool_calls", new JsonArray()))));
        for (JsonObject req : bad) {
            HttpResponse<String> r = ChatClient.post(gateway.url("/v1/chat/completions"), req.encode());
            assertEquals(400, r.statusCode(), req.encode() + " -> " + r.body());
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertEquals("invalid_request_error", error.getString("type"), r.body());
            assertTrue(error.getString("message").length() > 10 && error.getString("param") != null, r.body());
        }
        assertTrue(received.isEmpty(), "nothing malformed reached the upstream: " + received);
    }
}
