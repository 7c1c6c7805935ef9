package perception.tests.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** /v1/chat/completions as an OpenAI client sees it, plain or streamed, tool calls included. */
public final class ChatClient {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ChatClient() {
    }

    public static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What the answer holds: text, finish reason, and tool calls as OpenAI's message.tool_calls. */
    public record Answer(String content, String finishReason, JsonArray toolCalls, List<JsonObject> chunks) {
    }

    public static Answer plain(String url, JsonObject request) throws Exception {
        HttpResponse<String> r = post(url, request.copy().put("stream", false).encode());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject choice = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0);
        JsonObject message = choice.getJsonObject("message");
        assertEquals("assistant", message.getString("role"));
        return new Answer(message.getString("content"), choice.getString("finish_reason"),
                message.getJsonArray("tool_calls", new JsonArray()), List.of());
    }

    /**
     * A streamed answer reassembled the way OpenAI's SDKs do: content deltas joined; tool-call
     * deltas merged by index (id, type and name from the first, arguments appended).
     */
    public static Answer streamed(String url, JsonObject request) throws Exception {
        HttpResponse<String> r = post(url, request.copy().put("stream", true).encode());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"), r.headers().toString());
        List<String> events = new ArrayList<>();
        for (String block : r.body().split("\n\n")) if (block.startsWith("data: ")) events.add(block.substring(6));
        assertEquals("[DONE]", events.get(events.size() - 1), r.body());
        StringBuilder text = new StringBuilder();
        String finish = null;
        TreeMap<Integer, JsonObject> calls = new TreeMap<>();
        List<JsonObject> chunks = new ArrayList<>();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonObject chunk = new JsonObject(e);
            assertTrue(chunk.getJsonObject("error") == null, "error in the stream: " + e);
            chunks.add(chunk);
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices.isEmpty()) continue;
            JsonObject choice = choices.getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            if (delta.getString("content") != null) text.append(delta.getString("content"));
            for (Object o : delta.getJsonArray("tool_calls", new JsonArray())) {
                JsonObject piece = (JsonObject) o;
                int index = piece.getInteger("index");
                JsonObject call = calls.get(index);
                if (call == null) {
                    assertTrue(piece.getString("id") != null && "function".equals(piece.getString("type"))
                            && piece.getJsonObject("function").getString("name") != null, "a call's first delta names it: " + piece);
                    call = new JsonObject().put("id", piece.getString("id")).put("type", "function")
                            .put("function", new JsonObject().put("name", piece.getJsonObject("function").getString("name")).put("arguments", ""));
                    calls.put(index, call);
                }
                JsonObject f = call.getJsonObject("function");
                f.put("arguments", f.getString("arguments") + piece.getJsonObject("function").getString("arguments", ""));
            }
            if (choice.getString("finish_reason") != null) finish = choice.getString("finish_reason");
        }
        return new Answer(text.toString(), finish, new JsonArray(new ArrayList<>(calls.values())), chunks);
    }

    public static JsonObject tool(String name, String description, JsonObject parameters) {
        return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)
                .put("description", description).put("parameters", parameters));
    }

    public static JsonObject user(String text) {
        return new JsonObject().put("role", "user").put("content", text);
    }
}
