package perception.tests.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.ChatMessage;
import perception.llm.embedded.ChatTemplate;
import perception.llm.embedded.HfTokenizer;
import perception.llm.onnx.testmodel.Reference;
import perception.llm.onnx.testmodel.TestModelFolder;
import perception.tests.TestGateway;

/**
 * Two real gateways on loopback sockets: A runs the embedded tiny ONNX model, B's remote backend
 * is A's /v1/chat/completions. Answers through A and B, streamed or not, are equal and equal to
 * the model's known answer.
 */
class ChainedGatewaysTest {
    @TempDir
    static Path dir;
    static Path modelDir;
    static TestGateway a;
    static TestGateway b;
    static TestGateway none;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        modelDir = TestModelFolder.write(dir.resolve("tiny-chat"), TestModelFolder.Kind.TEXT_CHECKSUM);
        a = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "embedded", "llm_model_dir", modelDir.toString());
        b = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "remote", "llm_url", a.url("/v1"), "llm_model", "tiny-chat");
        none = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "none");
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestGateway g : new TestGateway[] {a, b, none}) if (g != null) g.close();
    }

    static HttpResponse<String> post(TestGateway g, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(g.url("/v1/chat/completions"))).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject request(String user, int max, boolean stream) {
        return new JsonObject().put("model", "tiny-chat").put("max_tokens", max).put("stream", stream)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "system").put("content", "Be brief."))
                        .add(new JsonObject().put("role", "user").put("content", user)));
    }

    /** Text of a plain answer. */
    static String answer(TestGateway g, JsonObject req) throws Exception {
        HttpResponse<String> r = post(g, req.copy().put("stream", false).encode());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals("chat.completion", body.getString("object"));
        JsonObject usage = body.getJsonObject("usage");
        assertEquals(usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens"), usage.getInteger("total_tokens"));
        return body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
    }

    /** Text of a streamed answer, checking the SSE framing. */
    static String streamed(TestGateway g, JsonObject req) throws Exception {
        HttpResponse<String> r = post(g, req.copy().put("stream", true).put("stream_options", new JsonObject().put("include_usage", true)).encode());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        StringBuilder text = new StringBuilder();
        List<String> events = new ArrayList<>();
        for (String block : r.body().split("\n\n")) if (block.startsWith("data: ")) events.add(block.substring(6));
        assertEquals("[DONE]", events.get(events.size() - 1));
        boolean sawFinish = false, sawUsage = false;
        java.util.Set<String> models = new java.util.HashSet<>();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonObject chunk = new JsonObject(e);
            assertEquals("chat.completion.chunk", chunk.getString("object"));
            models.add(chunk.getString("model"));
            if (chunk.getJsonObject("usage") != null) sawUsage = true;
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices.isEmpty()) continue;
            JsonObject choice = choices.getJsonObject(0);
            String piece = choice.getJsonObject("delta").getString("content");
            if (piece != null) text.append(piece);
            if (choice.getString("finish_reason") != null) sawFinish = true;
        }
        assertTrue(sawFinish && sawUsage, r.body());
        assertEquals(1, models.size(), "every chunk names the same model: " + models);
        return text.toString();
    }

    static String known(String user, int max) throws Exception {
        ChatTemplate template = ChatTemplate.load(modelDir);
        try (HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
            long[] ids = tokenizer.encode(template.render(List.of(ChatMessage.text(ChatMessage.Role.SYSTEM, "Be brief."),
                    ChatMessage.text(ChatMessage.Role.USER, user)), true, false));
            double[] seq = new double[ids.length + max];
            for (int i = 0; i < ids.length; i++) seq[i] = ids[i];
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < max; i++) {
                int next = Reference.checksumNext(java.util.Arrays.copyOf(seq, ids.length + i), TestModelFolder.CHECKSUM_BASE, TestModelFolder.CHECKSUM_MODULUS);
                seq[ids.length + i] = next;
                out.append((char) next);
            }
            return out.toString();
        }
    }

    @Test
    void answersAreEqualThroughBothGatewaysStreamedOrNot() throws Exception {
        JsonObject req = request("What do you see?", 24, false);
        String expected = known("What do you see?", 24);
        assertEquals(expected, answer(a, req));
        assertEquals(expected, streamed(a, req));
        assertEquals(expected, answer(b, req));
        assertEquals(expected, streamed(b, req));
    }

    @Test
    void stopStringsWorkThroughTheChain() throws Exception {
        String full = known("hello there", 16);
        String stop = full.substring(5, 7);
        JsonObject req = request("hello there", 16, false).put("stop", new JsonArray().add(stop));
        String cut = full.substring(0, full.indexOf(stop));
        assertEquals(cut, answer(a, req));
        assertEquals(cut, streamed(b, req));
    }

    @Test
    void badInputIsA400InTheOpenAiShapeOnBothGateways() throws Exception {
        for (TestGateway g : new TestGateway[] {a, b}) {
            assertError(post(g, "{not json"), 400, "invalid_json");
            assertError(post(g, "{}"), 400, "invalid_parameter");
            assertError(post(g, request("x", 5, false).put("n", 2).encode()), 400, "invalid_parameter");
            assertError(post(g, request("x", 5, false).put("temperature", "hot").encode()), 400, "invalid_parameter");
            assertError(post(g, request("x", 0, false).encode()), 400, "invalid_parameter");
            JsonObject withUrl = new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content",
                    new JsonArray().add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "https://example.com/cat.png"))))));
            HttpResponse<String> r = post(g, withUrl.encode());
            assertError(r, 400, "invalid_parameter");
            assertTrue(r.body().contains("data URL"), r.body());
            assertError(post(g, new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "wizard").put("content", "x"))).encode()),
                    400, "invalid_parameter");
        }
        // the gateway still answers after all that
        assertEquals(known("still there?", 4), answer(b, request("still there?", 4, false)));
    }

    @Test
    void contextOverflowIsA400FromAAndThroughB() throws Exception {
        JsonObject req = request("z".repeat(3000), 4, false);
        assertError(post(a, req.encode()), 400, "context_length_exceeded");
        assertEquals(400, post(b, req.encode()).statusCode());
    }

    @Test
    void withoutAModelTheBuiltInAssistantAnswersAndSaysHowToGetOne() throws Exception {
        HttpResponse<String> r = post(none, request("hi", 4, false).encode());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals("assistant", body.getString("model"), r.body());
        String said = body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
        assertTrue(said.contains("./run-gateway models fetch smollm2-135m") && said.contains("GATEWAY_LLM_URL"), said);
    }

    @Test
    void modelsListTheLlm() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(a.url("/v1/models"))).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(new JsonObject(r.body()).getJsonArray("data").stream()
                .anyMatch(m -> ((JsonObject) m).getString("id").equals("tiny-chat") && ((JsonObject) m).getString("task").equals("chat")), r.body());
    }

    @Test
    void clientDisconnectCancelsTheGeneration() throws Exception {
        String body = request("go on and on", 1900, true).encode();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", a.port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            int pieces = 0;
            for (String line = in.readLine(); line != null && pieces < 3; line = in.readLine()) if (line.startsWith("data: ")) pieces++;
            assertEquals(3, pieces);
        } // closed after the first tokens: the gateway must stop generating
        long deadline = System.currentTimeMillis() + 20_000;
        String cancelled = null;
        while (System.currentTimeMillis() < deadline) {
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(a.url("/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
            cancelled = metrics.lines().filter(l -> l.startsWith("perception_llm_generations_total") && l.contains("finish=\"cancelled\""))
                    .findFirst().orElse(null);
            if (cancelled != null) break;
            Thread.sleep(100);
        }
        assertTrue(cancelled != null && cancelled.endsWith(" 1.0"), "no cancelled generation in /metrics: " + cancelled);
    }

    static void assertError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertEquals(code, error.getString("code"), r.body());
        assertTrue(error.getString("message") != null && error.getString("type") != null);
    }
}
