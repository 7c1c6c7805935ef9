package perception.gateway.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import perception.gateway.core.ApiError;
import perception.llm.ToolSpec;

/**
 * Reads and validates an OpenAI chat-completions body into the event-bus form the LLM verticle
 * takes: {@code {messages:[{role, parts:[{text}|{image, mime}]}], temperature, top_p, top_k,
 * repetition_penalty, seed, stop, max_tokens, tools, tool_choice}} (see {@link BusChat}). Every
 * mistake is a 400 naming the parameter.
 */
final class ChatCompletionRequest {
    static final int MAX_TOOLS = 128;
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    final JsonObject bus;
    final boolean stream;
    final boolean includeUsage;

    private ChatCompletionRequest(JsonObject bus, boolean stream, boolean includeUsage) {
        this.bus = bus;
        this.stream = stream;
        this.includeUsage = includeUsage;
    }

    static ChatCompletionRequest parse(JsonObject body) {
        if (body == null) throw ApiError.badRequest("invalid_json", "The body must be a JSON object with \"messages\".");
        Object n = body.getValue("n");
        if (n != null && !(n instanceof Number num && num.doubleValue() == 1)) {
            throw ApiError.badParam("n", "Only n = 1 is supported; send separate requests for more choices.");
        }
        Object msgs = body.getValue("messages");
        if (!(msgs instanceof JsonArray array) || array.isEmpty()) {
            throw ApiError.badParam("messages", "messages must be a non-empty array of {role, content}.");
        }
        JsonArray messages = new JsonArray();
        for (int i = 0; i < array.size(); i++) messages.add(message(array.getValue(i), i));
        JsonObject bus = new JsonObject().put("messages", messages);
        if (body.getValue("model") instanceof String model && !model.isBlank()) bus.put("model", model); // "assistant": the built-in one
        number(body, "temperature", 0, 2, bus);
        number(body, "top_p", Double.MIN_VALUE, 1, bus);
        number(body, "repetition_penalty", Double.MIN_VALUE, 10, bus);
        integer(body, "top_k", 0, Integer.MAX_VALUE, bus);
        integer(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE, bus);
        Long max = integer(body, "max_completion_tokens", 1, 1_000_000, null);
        if (max == null) max = integer(body, "max_tokens", 1, 1_000_000, null);
        if (max != null) bus.put("max_tokens", max);
        Object stop = body.getValue("stop");
        if (stop instanceof String s) {
            bus.put("stop", new JsonArray().add(nonEmptyStop(s)));
        } else if (stop instanceof JsonArray a) {
            if (a.size() > 4) throw ApiError.badParam("stop", "stop takes at most 4 strings.");
            JsonArray out = new JsonArray();
            for (Object o : a) {
                if (!(o instanceof String s)) throw ApiError.badParam("stop", "stop must be a string or an array of strings.");
                out.add(nonEmptyStop(s));
            }
            bus.put("stop", out);
        } else if (stop != null) {
            throw ApiError.badParam("stop", "stop must be a string or an array of strings.");
        }
        tools(body, bus);
        responseFormat(body, bus);
        Object stream = body.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) throw ApiError.badParam("stream", "stream must be true or false.");
        Object options = body.getValue("stream_options");
        boolean usage = options instanceof JsonObject o && Boolean.TRUE.equals(o.getValue("include_usage"));
        return new ChatCompletionRequest(bus, Boolean.TRUE.equals(stream), usage);
    }

    /** response_format: {type: text | json_object | json_schema, json_schema: {name, schema}} into the bus form. */
    private static void responseFormat(JsonObject body, JsonObject bus) {
        Object f = body.getValue("response_format");
        if (f == null) return;
        String usage = "response_format must be {\"type\": \"text\"}, {\"type\": \"json_object\"} or {\"type\": \"json_schema\", \"json_schema\": {\"name\": ..., \"schema\": {...}}}.";
        if (!(f instanceof JsonObject o) || !(o.getValue("type") instanceof String type)) throw ApiError.badParam("response_format", usage);
        switch (type) {
            case "text" -> { }
            case "json_object" -> bus.put("response_format", new JsonObject().put("type", type));
            case "json_schema" -> {
                if (!(o.getValue("json_schema") instanceof JsonObject js) || !(js.getValue("schema") instanceof JsonObject schema)) {
                    throw ApiError.badParam("response_format", usage);
                }
                if (schema.encode().length() > 64 * 1024) throw ApiError.badParam("response_format", "the JSON schema is over 64 KB: send a smaller one.");
                bus.put("response_format", new JsonObject().put("type", type).put("name", js.getString("name", "answer")).put("schema", schema));
            }
            default -> throw ApiError.badParam("response_format", usage);
        }
    }

    private static String nonEmptyStop(String s) {
        if (s.isEmpty()) throw ApiError.badParam("stop", "stop strings must not be empty.");
        return s;
    }

    private static JsonObject message(Object value, int index) {
        String where = "messages[" + index + "]";
        if (!(value instanceof JsonObject m)) throw ApiError.badParam(where, where + " must be an object {role, content}.");
        Object role = m.getValue("role");
        if (!(role instanceof String r) || !ROLES.contains(r)) {
            throw ApiError.badParam(where + ".role", where + ".role must be system, user, assistant or tool.");
        }
        JsonArray parts = new JsonArray();
        Object content = m.getValue("content");
        if (content instanceof String s) {
            parts.add(new JsonObject().put("text", s));
        } else if (content instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) parts.add(part(a.getValue(i), where + ".content[" + i + "]"));
        } else if (content != null || !"assistant".equals(r)) {
            throw ApiError.badParam(where + ".content", where + ".content must be a string or an array of content parts.");
        }
        JsonObject out = new JsonObject().put("role", r.equals("developer") ? "system" : r).put("parts", parts);
        Object calls = m.getValue("tool_calls");
        if (calls != null) {
            if (!"assistant".equals(r)) throw ApiError.badParam(where + ".tool_calls", "Only assistant messages carry tool_calls.");
            if (!(calls instanceof JsonArray a)) throw ApiError.badParam(where + ".tool_calls", where + ".tool_calls must be an array.");
            JsonArray list = new JsonArray();
            for (int i = 0; i < a.size(); i++) list.add(toolCall(a.getValue(i), where + ".tool_calls[" + i + "]"));
            if (!list.isEmpty()) out.put("tool_calls", list);
        }
        if ("tool".equals(r)) {
            if (!(m.getValue("tool_call_id") instanceof String id) || id.isBlank()) {
                throw ApiError.badParam(where + ".tool_call_id", "A tool message needs tool_call_id: the id of the call it answers.");
            }
            out.put("tool_call_id", id);
        }
        return out;
    }

    private static JsonObject toolCall(Object value, String where) {
        if (!(value instanceof JsonObject c)) throw ApiError.badParam(where, where + " must be {id, type: \"function\", function: {name, arguments}}.");
        if (!(c.getValue("id") instanceof String id) || id.isBlank()) throw ApiError.badParam(where + ".id", where + ".id must be the call's id.");
        Object type = c.getValue("type");
        if (type != null && !"function".equals(type)) throw ApiError.badParam(where + ".type", where + ".type must be \"function\".");
        if (!(c.getValue("function") instanceof JsonObject f) || !(f.getValue("name") instanceof String name) || name.isBlank()) {
            throw ApiError.badParam(where + ".function", where + ".function must be {name, arguments}.");
        }
        Object args = f.getValue("arguments");
        String arguments = args == null ? "{}" : args instanceof String str ? str : args instanceof JsonObject o ? o.encode() : null;
        if (arguments == null) throw ApiError.badParam(where + ".function.arguments", where + ".function.arguments must be a JSON string.");
        return new JsonObject().put("id", id).put("name", name).put("arguments", arguments);
    }

    /** tools, tool_choice and parallel_tool_calls into the bus form ({@link BusChat}). */
    private static void tools(JsonObject body, JsonObject bus) {
        Object tools = body.getValue("tools");
        Set<String> names = new java.util.LinkedHashSet<>();
        if (tools != null) {
            if (!(tools instanceof JsonArray a)) throw ApiError.badParam("tools", "tools must be an array of {type: \"function\", function: {name, description, parameters}}.");
            if (a.size() > MAX_TOOLS) throw ApiError.badParam("tools", "tools takes at most " + MAX_TOOLS + " functions.");
            JsonArray out = new JsonArray();
            for (int i = 0; i < a.size(); i++) {
                String where = "tools[" + i + "]";
                if (!(a.getValue(i) instanceof JsonObject t)) throw ApiError.badParam(where, where + " must be an object {type: \"function\", function: {...}}.");
                if (!"function".equals(t.getValue("type"))) throw ApiError.badParam(where + ".type", where + ".type must be \"function\".");
                if (!(t.getValue("function") instanceof JsonObject f)) throw ApiError.badParam(where + ".function", where + ".function must be {name, description, parameters}.");
                if (!(f.getValue("name") instanceof String name) || !ToolSpec.validName(name)) {
                    throw ApiError.badParam(where + ".function.name", where + ".function.name must be 1 to 64 letters, digits, _ or -.");
                }
                if (!names.add(name)) throw ApiError.badParam(where + ".function.name", "Two tools are named '" + name + "': names must be unique.");
                Object description = f.getValue("description");
                if (description != null && !(description instanceof String)) throw ApiError.badParam(where + ".function.description", where + ".function.description must be a string.");
                Object parameters = f.getValue("parameters");
                if (parameters != null && !(parameters instanceof JsonObject)) {
                    throw ApiError.badParam(where + ".function.parameters", where + ".function.parameters must be a JSON schema object.");
                }
                JsonObject tool = new JsonObject().put("name", name).put("description", description == null ? "" : description);
                if (parameters != null) tool.put("parameters", parameters);
                out.add(tool);
            }
            if (!out.isEmpty()) bus.put("tools", out);
        }
        Object choice = body.getValue("tool_choice");
        if (choice instanceof String c) {
            if (!List.of("none", "auto", "required").contains(c)) throw ApiError.badParam("tool_choice", "tool_choice must be none, auto, required or {type: \"function\", function: {name}}.");
            if (c.equals("required") && names.isEmpty()) throw ApiError.badParam("tool_choice", "tool_choice is required but no tools were given.");
            bus.put("tool_choice", c);
        } else if (choice instanceof JsonObject c) {
            if (!"function".equals(c.getValue("type")) || !(c.getValue("function") instanceof JsonObject f) || !(f.getValue("name") instanceof String name)) {
                throw ApiError.badParam("tool_choice", "A named tool_choice is {type: \"function\", function: {name}}.");
            }
            if (!names.contains(name)) throw ApiError.badParam("tool_choice", "tool_choice names '" + name + "', which is not among the tools.");
            bus.put("tool_choice", new JsonObject().put("function", name));
        } else if (choice != null) {
            throw ApiError.badParam("tool_choice", "tool_choice must be none, auto, required or {type: \"function\", function: {name}}.");
        }
        Object parallel = body.getValue("parallel_tool_calls");
        if (parallel != null && !(parallel instanceof Boolean)) throw ApiError.badParam("parallel_tool_calls", "parallel_tool_calls must be true or false.");
    }

    private static JsonObject part(Object value, String where) {
        if (!(value instanceof JsonObject p)) throw ApiError.badParam(where, where + " must be an object with a type.");
        String type = p.getValue("type") instanceof String t ? t : "";
        switch (type) {
            case "text" -> {
                if (!(p.getValue("text") instanceof String text)) throw ApiError.badParam(where + ".text", where + ".text must be a string.");
                return new JsonObject().put("text", text);
            }
            case "image_url" -> {
                Object iu = p.getValue("image_url");
                String url = iu instanceof String s ? s : iu instanceof JsonObject o && o.getValue("url") instanceof String s2 ? s2 : null;
                if (url == null) throw ApiError.badParam(where + ".image_url", where + ".image_url must be {\"url\": \"data:image/...;base64,...\"}.");
                return image(url, where + ".image_url");
            }
            default -> throw ApiError.badParam(where + ".type", where + ".type must be text or image_url, got '" + type + "'.");
        }
    }

    /** A data URL; http(s) URLs are refused so the gateway never fetches from the network on a client's behalf. */
    private static JsonObject image(String url, String where) {
        String lower = url.length() > 10 ? url.substring(0, 10).toLowerCase() : url.toLowerCase();
        if (lower.startsWith("http:") || lower.startsWith("https:")) {
            throw ApiError.badParam(where, "Image URLs are not fetched; send the image inline as a data URL (data:image/png;base64,...).");
        }
        int comma = url.indexOf(',');
        if (!lower.startsWith("data:") || comma < 0 || !url.substring(0, comma).endsWith(";base64")) {
            throw ApiError.badParam(where, "The image must be a base64 data URL: data:image/png;base64,...");
        }
        String mime = url.substring(5, comma - ";base64".length());
        if (!mime.startsWith("image/")) throw ApiError.badParam(where, "The data URL must hold an image/* type, got '" + mime + "'.");
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(url.substring(comma + 1));
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length == 0) throw ApiError.badParam(where, "The image data URL is not valid base64 (or empty).");
        // decoded once, here: the bytes cross the bus as they are (BusChat takes them without decoding again)
        return new JsonObject().put("image", bytes).put("mime", mime);
    }

    private static void number(JsonObject body, String key, double min, double max, JsonObject out) {
        Object v = body.getValue(key);
        if (v == null) return;
        if (!(v instanceof Number n) || n.doubleValue() < min || n.doubleValue() > max) {
            throw ApiError.badParam(key, key + " must be a number between " + (min == Double.MIN_VALUE ? "0 (exclusive)" : min) + " and " + max + ".");
        }
        out.put(key, n.doubleValue());
    }

    private static Long integer(JsonObject body, String key, long min, long max, JsonObject out) {
        Object v = body.getValue(key);
        if (v == null) return null;
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < min || n.longValue() > max) {
            throw ApiError.badParam(key, key + " must be a whole number" + (min > Long.MIN_VALUE ? " of at least " + min : "") + ".");
        }
        if (out != null) out.put(key, n.longValue());
        return n.longValue();
    }

    static List<String> roles() {
        return List.copyOf(ROLES);
    }
}
