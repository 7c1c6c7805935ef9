package perception.gateway.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import perception.llm.ChatMessage;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.ContentPart;
import perception.llm.Sampling;

/**
 * The JSON messages of {@code Bus.GENERATE}: a request (see {@link ChatCompletionRequest}) plus
 * {@code id} and {@code stream_to}, the address the verticle sends {@code {text}} pieces, then
 * {@code {done}} or {@code {error}} to. Plain JSON, so a cluster can carry them.
 */
final class BusChat {
    private BusChat() {
    }

    static ChatRequest toRequest(JsonObject bus) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Object o : bus.getJsonArray("messages")) {
            JsonObject m = (JsonObject) o;
            List<ContentPart> parts = new ArrayList<>();
            for (Object p : m.getJsonArray("parts", new JsonArray())) {
                JsonObject part = (JsonObject) p;
                if (part.containsKey("image")) {
                    parts.add(new ContentPart.Image(Base64.getMimeDecoder().decode(part.getString("image")), part.getString("mime")));
                } else {
                    parts.add(new ContentPart.Text(part.getString("text", "")));
                }
            }
            messages.add(new ChatMessage(ChatMessage.Role.parse(m.getString("role")), parts));
        }
        double temperature = bus.getDouble("temperature", 0.0);
        Sampling sampling = new Sampling(temperature, bus.getLong("top_k", 0L).intValue(), bus.getDouble("top_p", 1.0),
                bus.getDouble("repetition_penalty", 1.0), bus.getLong("seed"));
        List<String> stop = new ArrayList<>();
        bus.getJsonArray("stop", new JsonArray()).forEach(s -> stop.add((String) s));
        Long max = bus.getLong("max_tokens");
        return new ChatRequest(messages, sampling, stop, max == null ? null : max.intValue());
    }

    static JsonObject done(String model, ChatResult r) {
        return new JsonObject().put("done", new JsonObject().put("model", model).put("text", r.text())
                .put("finish_reason", r.finishReason().wireName()).put("prompt_tokens", r.promptTokens())
                .put("completion_tokens", r.completionTokens()).put("first_token_ms", r.firstTokenMillis())
                .put("total_ms", r.totalMillis()));
    }

    static JsonObject error(int status, String type, String code, String message) {
        return new JsonObject().put("error", new JsonObject().put("status", status).put("type", type).put("code", code).put("message", message));
    }
}
