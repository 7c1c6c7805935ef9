package perception.gateway.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Tool calls in OpenAI's chat-completions shapes, from the bus form ({@link BusChat}). */
final class ToolCallChunks {
    private ToolCallChunks() {
    }

    /** {@code message.tool_calls} of a plain answer. */
    static JsonArray message(JsonArray calls) {
        JsonArray out = new JsonArray();
        for (Object o : calls) {
            JsonObject c = (JsonObject) o;
            out.add(new JsonObject().put("id", c.getString("id")).put("type", "function")
                    .put("function", new JsonObject().put("name", c.getString("name")).put("arguments", c.getString("arguments"))));
        }
        return out;
    }

    /**
     * The deltas for one streamed piece, as OpenAI streams them: a call's first chunk holds index,
     * id, type and name with empty arguments; the argument text follows in chunks of its own.
     */
    static List<JsonObject> pieces(JsonObject piece) {
        int index = piece.getInteger("index", 0);
        String arguments = piece.getString("arguments", "");
        List<JsonObject> deltas = new ArrayList<>();
        if (piece.containsKey("id") || piece.containsKey("name")) {
            JsonObject head = new JsonObject().put("index", index);
            if (piece.containsKey("id")) head.put("id", piece.getString("id"));
            head.put("type", "function");
            JsonObject f = new JsonObject();
            if (piece.containsKey("name")) f.put("name", piece.getString("name"));
            head.put("function", f.put("arguments", ""));
            deltas.add(delta(head));
        }
        if (!arguments.isEmpty()) {
            deltas.add(delta(new JsonObject().put("index", index).put("function", new JsonObject().put("arguments", arguments))));
        }
        return deltas;
    }

    private static JsonObject delta(JsonObject call) {
        return new JsonObject().put("tool_calls", new JsonArray().add(call));
    }
}
