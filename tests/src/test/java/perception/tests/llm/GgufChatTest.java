package perception.tests.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.tests.TestGateway;

/**
 * The default chat model, SmolLM2-135M-Instruct (GGUF, llama.cpp), through the real server over
 * HTTP. Greedy decoding: the assertions are what this 135M model really answers ("The capital of
 * France is Paris." with a short system prompt), and what the gateway guarantees whatever it says
 * (routing, JSON under a grammar, the context bound, cancels, the error shape).
 */
class GgufChatTest {
    static final String MODEL = "smollm2-135m";
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(TestGateway.withDefaultLlm("speech", "false", "analyzers", ""));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static JsonObject ask(String question) {
        return new JsonObject().put("model", MODEL).put("max_tokens", 40).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", "You are a helpful assistant. Answer in one short sentence."))
                .add(new JsonObject().put("role", "user").put("content", question)));
    }

    String url() {
        return gateway.url("/v1/chat/completions");
    }

    @Test
    void listsTheModel() throws Exception {
        var r = ChatClient.HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/models"))).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(new JsonObject(r.body()).getJsonArray("data").stream().anyMatch(m -> MODEL.equals(((JsonObject) m).getString("id"))), r.body());
    }

    @Test
    void answersTheCapitalOfFrancePlainAndStreamed() throws Exception {
        ChatClient.Answer plain = ChatClient.plain(url(), ask("What is the capital of France?"));
        assertTrue(plain.content().contains("Paris"), plain.content());
        assertEquals("stop", plain.finishReason());
        ChatClient.Answer streamed = ChatClient.streamed(url(), ask("What is the capital of France?"));
        assertEquals(plain.content(), streamed.content(), "greedy: the same answer streamed");
        assertTrue(streamed.chunks().size() > 4, "token by token: " + streamed.chunks().size() + " chunks");
        assertEquals(MODEL, streamed.chunks().get(streamed.chunks().size() - 1).getString("model"));
    }

    @Test
    void theOfficialOpenAiNodeClientGetsParis() throws Exception {
        Path script = Path.of("clients/chat.mjs");
        assertTrue(Files.isRegularFile(Path.of("clients/node_modules/openai/package.json")),
                "the openai npm package is missing: run npm install in tests/clients (mvn -B verify does)");
        Process p = new ProcessBuilder("node", script.toString(), gateway.url("/v1"), MODEL, "What is the capital of France?")
                .redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            r.lines().forEach(lines::add);
        }
        assertTrue(p.waitFor(90, TimeUnit.SECONDS) && p.exitValue() == 0, String.join("\n", lines));
        JsonObject plain = new JsonObject(lines.get(0)), stream = new JsonObject(lines.get(1));
        assertTrue(plain.getString("text").contains("Paris") && stream.getString("text").contains("Paris"), String.join("\n", lines));
        assertEquals(MODEL, plain.getString("model"));
        assertEquals("stop", stream.getString("finish"));
        assertTrue(plain.getJsonObject("usage").getInteger("completion_tokens") > 3, plain.encode());
    }

    @Test
    void namingTheModelSkipsTheSkillsNamingNoneKeepsThemFirstAndAnUnknownOneIs404() throws Exception {
        JsonObject arithmetic = new JsonObject().put("max_tokens", 20).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "What is 17 times 23?")));
        var bySkill = new JsonObject(ChatClient.post(url(), arithmetic.encode()).body());
        assertEquals("assistant", bySkill.getString("model"));
        assertTrue(bySkill.encode().contains("391"), bySkill.encode());
        var byModel = new JsonObject(ChatClient.post(url(), arithmetic.copy().put("model", MODEL).encode()).body());
        assertEquals(MODEL, byModel.getString("model"), "a request naming the LLM is answered by it, not by the calculator");
        var unknown = ChatClient.post(url(), arithmetic.copy().put("model", "gpt-9").encode());
        assertEquals(404, unknown.statusCode(), unknown.body());
        JsonObject error = new JsonObject(unknown.body()).getJsonObject("error");
        assertEquals("model_not_found", error.getString("code"));
        assertTrue(error.getString("message").contains(MODEL), error.encode());
    }

    @Test
    void jsonResponseFormatsAlwaysParse() throws Exception {
        JsonObject req = ask("Give the capital of France as JSON.").put("max_tokens", 60).put("response_format", new JsonObject().put("type", "json_object"));
        ChatClient.Answer a = ChatClient.plain(url(), req);
        assertTrue(new JsonObject(a.content()).size() >= 0, a.content());
        JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
                .put("city", new JsonObject().put("type", "string"))).put("required", new JsonArray().add("city"));
        ChatClient.Answer s = ChatClient.plain(url(), ask("What is the capital of France?").put("max_tokens", 60)
                .put("response_format", new JsonObject().put("type", "json_schema").put("json_schema", new JsonObject().put("name", "capital").put("schema", schema))));
        assertTrue(new JsonObject(s.content()).getValue("city") instanceof String, s.content());
        var bad = ChatClient.post(url(), ask("x").put("response_format", new JsonObject().put("type", "xml")).encode());
        assertEquals(400, bad.statusCode(), bad.body());
        assertEquals("response_format", new JsonObject(bad.body()).getJsonObject("error").getString("param"));
    }

    @Test
    void twoConversationsAtOnce() throws Exception {
        var france = CompletableFuture.supplyAsync(() -> answer("What is the capital of France?"));
        var germany = CompletableFuture.supplyAsync(() -> answer("What is the capital of Germany?"));
        assertTrue(france.get(60, TimeUnit.SECONDS).contains("Paris"), france.get());
        assertTrue(germany.get(60, TimeUnit.SECONDS).contains("Berlin"), germany.get());
    }

    private String answer(String question) {
        try {
            return ChatClient.plain(url(), ask(question)).content();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aClientThatLeavesMidAnswerStopsTheGeneration() throws Exception {
        Counter cancelled = gateway.gateway().context().meters().counter("perception.llm.generations", "finish", "cancelled");
        double before = cancelled.count();
        JsonObject story = ask("Write a long story about a dragon.").put("max_tokens", 2000).put("stream", true);
        HttpResponse<java.io.InputStream> r = ChatClient.HTTP.send(HttpRequest.newBuilder(URI.create(url()))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(story.encode())).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (var in = r.body()) {
            in.readNBytes(600); // a few chunks, then hang up
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cancelled.count() == before && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(before + 1, cancelled.count(), "the generation of a client that left was cancelled, not run to 2000 tokens");
    }

    @Test
    void aPromptOverTheContextIs400InTheErrorShape() throws Exception {
        var r = ChatClient.post(url(), ask("word ".repeat(5000)).encode());
        assertEquals(400, r.statusCode(), r.body());
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertEquals("context_length_exceeded", error.getString("code"));
        assertEquals("invalid_request_error", error.getString("type"));
        // and the model still answers the next one
        assertTrue(answer("What is the capital of France?").contains("Paris"));
    }

    @Test
    void aFileThatIsNotGgufStopsStartUpNamingTheFile(@TempDir Path dir) throws Exception {
        Path fake = Files.writeString(dir.resolve("fake.gguf"), "<html>a download that went wrong</html>");
        Exception e = assertThrows(Exception.class, () -> TestGateway.start("speech", "false", "analyzers", "",
                "llm_backend", "gguf", "llm_model_file", fake.toString()).close());
        String all = String.valueOf(e.getMessage()) + (e.getCause() == null ? "" : e.getCause().getMessage());
        assertTrue(all.contains(fake.toString()) && all.contains("not a GGUF"), all);
    }
}
