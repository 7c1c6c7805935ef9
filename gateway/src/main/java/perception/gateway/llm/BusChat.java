package perception.gateway.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import perception.gateway.core.BusStream;
import perception.llm.ChatMessage;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.ContentPart;
import perception.llm.ResponseFormat;
import perception.llm.Sampling;
import perception.llm.TokenListener;
import perception.llm.ToolCall;
import perception.llm.ToolChoice;
import perception.llm.ToolSpec;

/**
 * The JSON messages of {@code LlmFeature.GENERATE}, a {@link BusStream} call: a request (see
 * {@link ChatCompletionRequest}); pieces {@code {text}} and {@code {tool_call}}; then {@code {done}}
 * or {@code {error}}. Plain JSON, so a cluster
 * can carry them. Tools travel as {@code tools:[{name, description, parameters}]} and
 * {@code tool_choice: "auto"|"none"|"required"|{function: name}}, the answer's shape as
 * {@code response_format: {type: json_object} | {type: json_schema, name, schema}}; messages may carry
 * {@code tool_calls:[{id, name, arguments}]} (assistant) or {@code tool_call_id} (tool).
 */
final class BusChat {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BusChat() {
    }

    /**
     * An image part's bytes: the route puts them decoded (a byte[] that crosses the local bus as it is);
     * a base64 string (realtime conversation items, or a JSON body from another node) is decoded here.
     */
    static byte[] imageBytes(JsonObject part) {
        Object v = part.getMap().get("image");
        return v instanceof byte[] bytes ? bytes : Base64.getMimeDecoder().decode((String) v);
    }

    static ChatRequest toRequest(JsonObject bus) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Object o : bus.getJsonArray("messages")) {
            JsonObject m = (JsonObject) o;
            List<ContentPart> parts = new ArrayList<>();
            for (Object p : m.getJsonArray("parts", new JsonArray())) {
                JsonObject part = (JsonObject) p;
                if (part.containsKey("image")) {
                    parts.add(new ContentPart.Image(imageBytes(part), part.getString("mime")));
                } else {
                    parts.add(new ContentPart.Text(part.getString("text", "")));
                }
            }
            List<ToolCall> calls = new ArrayList<>();
            for (Object c : m.getJsonArray("tool_calls", new JsonArray())) {
                JsonObject call = (JsonObject) c;
                calls.add(new ToolCall(call.getString("id"), call.getString("name"), call.getString("arguments")));
            }
            messages.add(new ChatMessage(ChatMessage.Role.parse(m.getString("role")), parts, calls, m.getString("tool_call_id")));
        }
        double temperature = bus.getDouble("temperature", 0.0);
        Sampling sampling = new Sampling(temperature, bus.getLong("top_k", 0L).intValue(), bus.getDouble("top_p", 1.0),
                bus.getDouble("repetition_penalty", 1.0), bus.getLong("seed"));
        List<String> stop = new ArrayList<>();
        bus.getJsonArray("stop", new JsonArray()).forEach(s -> stop.add((String) s));
        Long max = bus.getLong("max_tokens");
        List<ToolSpec> tools = new ArrayList<>();
        for (Object t : bus.getJsonArray("tools", new JsonArray())) {
            JsonObject tool = (JsonObject) t;
            JsonObject params = tool.getJsonObject("parameters");
            tools.add(new ToolSpec(tool.getString("name"), tool.getString("description"),
                    params == null ? null : objectNode(params)));
        }
        Object choice = bus.getValue("tool_choice");
        ToolChoice toolChoice = choice instanceof JsonObject named ? ToolChoice.function(named.getString("function"))
                : choice instanceof String mode ? ToolChoice.parse(mode) : ToolChoice.AUTO;
        JsonObject format = bus.getJsonObject("response_format");
        ResponseFormat responseFormat = format == null ? ResponseFormat.TEXT
                : "json_schema".equals(format.getString("type")) ? ResponseFormat.schema(format.getString("name"), objectNode(format.getJsonObject("schema")))
                : ResponseFormat.JSON_OBJECT;
        return new ChatRequest(messages, sampling, stop, max == null ? null : max.intValue(), tools, toolChoice, responseFormat);
    }

    private static ObjectNode objectNode(JsonObject o) {
        try {
            return (ObjectNode) JSON.readTree(o.encode());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("tool parameters are not JSON: " + e.getMessage());
        }
    }

    /** Bus form of tools: {name, description, parameters}. */
    static JsonObject tool(ToolSpec t) {
        return new JsonObject().put("name", t.name()).put("description", t.description()).put("parameters", new JsonObject(t.parameters().toString()));
    }

    static JsonObject call(ToolCall c) {
        return new JsonObject().put("id", c.id()).put("name", c.name()).put("arguments", c.arguments());
    }

    /**
     * A generation's pieces as {@link BusStream} pieces: {@code {text}}, and {@code {tool_call:{index,
     * id, name, arguments}}} for each piece of a tool call (id and name only on a call's first piece).
     */
    static TokenListener listener(BusStream.Emitter out) {
        return new TokenListener() {
            @Override
            public void onText(String text) {
                out.piece(new JsonObject().put("text", text));
            }

            @Override
            public void onToolCall(ToolCall.Delta d) {
                JsonObject piece = new JsonObject().put("index", d.index()).put("arguments", d.arguments() == null ? "" : d.arguments());
                if (d.id() != null) piece.put("id", d.id());
                if (d.name() != null) piece.put("name", d.name());
                out.piece(new JsonObject().put("tool_call", piece));
            }
        };
    }

    /** The {@code done} object of a finished generation. */
    static JsonObject done(String model, ChatResult r) {
        return new JsonObject().put("model", model).put("text", r.text())
                .put("finish_reason", r.finishReason().wireName()).put("prompt_tokens", r.promptTokens())
                .put("completion_tokens", r.completionTokens()).put("first_token_ms", r.firstTokenMillis())
                .put("total_ms", r.totalMillis())
                .put("tool_calls", new JsonArray(r.toolCalls().stream().map(BusChat::call).toList()));
    }
}
