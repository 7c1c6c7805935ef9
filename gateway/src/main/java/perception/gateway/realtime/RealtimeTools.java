package perception.gateway.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.Set;
import perception.llm.ToolSpec;

/**
 * The client's functions of a realtime session ({@code session.tools}, OpenAI Realtime GA shape
 * {@code {type:"function", name, description, parameters}}) and {@code tool_choice}, checked and
 * kept in the LLM bus form ({@code tools:[{name, description, parameters}]},
 * {@code tool_choice: "auto"|"none"|"required"|{function}}).
 */
final class RealtimeTools {
    static final int MAX_TOOLS = 128;

    private RealtimeTools() {
    }

    static JsonArray parseTools(Object value) {
        if (value == null) return new JsonArray();
        if (!(value instanceof JsonArray a)) throw new IllegalArgumentException("session.tools must be an array of {type: \"function\", name, description, parameters}");
        if (a.size() > MAX_TOOLS) throw new IllegalArgumentException("session.tools takes at most " + MAX_TOOLS + " functions");
        JsonArray out = new JsonArray();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < a.size(); i++) {
            String where = "session.tools[" + i + "]";
            if (!(a.getValue(i) instanceof JsonObject t)) throw new IllegalArgumentException(where + " must be an object");
            if (!"function".equals(t.getValue("type", "function"))) throw new IllegalArgumentException(where + ".type must be \"function\"");
            if (!(t.getValue("name") instanceof String name) || !ToolSpec.validName(name)) {
                throw new IllegalArgumentException(where + ".name must be 1 to 64 letters, digits, _ or -");
            }
            if (!names.add(name)) throw new IllegalArgumentException("two session.tools are named '" + name + "'");
            Object description = t.getValue("description");
            if (description != null && !(description instanceof String)) throw new IllegalArgumentException(where + ".description must be a string");
            Object parameters = t.getValue("parameters");
            if (parameters != null && !(parameters instanceof JsonObject)) throw new IllegalArgumentException(where + ".parameters must be a JSON schema object");
            JsonObject tool = new JsonObject().put("name", name).put("description", description == null ? "" : description);
            if (parameters != null) tool.put("parameters", parameters);
            out.add(tool);
        }
        return out;
    }

    /** tool_choice in bus form, checked against the tools. */
    static Object parseChoice(Object value, JsonArray tools) {
        if (value == null) return "auto";
        if (value instanceof String s) {
            if (!s.equals("auto") && !s.equals("none") && !s.equals("required")) {
                throw new IllegalArgumentException("tool_choice must be auto, none, required or {type: \"function\", name}");
            }
            if (s.equals("required") && tools.isEmpty()) throw new IllegalArgumentException("tool_choice is required but session.tools is empty");
            return s;
        }
        if (value instanceof JsonObject o && "function".equals(o.getValue("type")) && o.getValue("name") instanceof String name) {
            if (tools.stream().noneMatch(t -> name.equals(((JsonObject) t).getString("name")))) {
                throw new IllegalArgumentException("tool_choice names '" + name + "', which is not in session.tools");
            }
            return new JsonObject().put("function", name);
        }
        throw new IllegalArgumentException("tool_choice must be auto, none, required or {type: \"function\", name}");
    }

    /** The tools as the session echoes them (GA shape). */
    static JsonArray toJson(JsonArray tools) {
        JsonArray out = new JsonArray();
        for (Object o : tools) {
            JsonObject t = (JsonObject) o;
            JsonObject f = new JsonObject().put("type", "function").put("name", t.getString("name")).put("description", t.getString("description"));
            if (t.containsKey("parameters")) f.put("parameters", t.getJsonObject("parameters"));
            out.add(f);
        }
        return out;
    }

    static Object choiceToJson(Object choice) {
        return choice instanceof JsonObject named ? new JsonObject().put("type", "function").put("name", named.getString("function")) : choice;
    }

    /** A function_call item of the conversation. */
    static JsonObject functionCallItem(String itemId, String status, String callId, String name, String arguments) {
        return new JsonObject().put("id", itemId).put("object", "realtime.item").put("type", "function_call").put("status", status)
                .put("call_id", callId).put("name", name).put("arguments", arguments);
    }
}
