package perception.gateway.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import perception.gateway.ApiError;

/**
 * Reads and validates an OpenAI chat-completions body into the event-bus form the LLM verticle
 * takes: {@code {messages:[{role, parts:[{text}|{image, mime}]}], temperature, top_p, top_k,
 * repetition_penalty, seed, stop, max_tokens}}. Every mistake is a 400 naming the parameter.
 */
final class ChatCompletionRequest {
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
        Object stream = body.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) throw ApiError.badParam("stream", "stream must be true or false.");
        Object options = body.getValue("stream_options");
        boolean usage = options instanceof JsonObject o && Boolean.TRUE.equals(o.getValue("include_usage"));
        return new ChatCompletionRequest(bus, Boolean.TRUE.equals(stream), usage);
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
        return new JsonObject().put("role", r.equals("developer") ? "system" : r).put("parts", parts);
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
        String data = url.substring(comma + 1);
        try {
            if (Base64.getMimeDecoder().decode(data).length == 0) throw new IllegalArgumentException("empty");
        } catch (IllegalArgumentException e) {
            throw ApiError.badParam(where, "The image data URL is not valid base64 (or empty).");
        }
        return new JsonObject().put("image", data).put("mime", mime);
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
