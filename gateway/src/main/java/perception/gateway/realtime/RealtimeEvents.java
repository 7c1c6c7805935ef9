package perception.gateway.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Builders for the server events of the OpenAI Realtime protocol (GA names). */
final class RealtimeEvents {
    private RealtimeEvents() {
    }

    static String id(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    }

    static JsonObject event(String type) {
        return new JsonObject().put("type", type).put("event_id", id("event"));
    }

    static JsonObject error(String code, String message, String clientEventId) {
        return event("error").put("error", new JsonObject()
                .put("type", "invalid_request_error").put("code", code).put("message", message)
                .put("param", null).put("event_id", clientEventId));
    }

    static JsonObject userAudioItem(String itemId, String transcript) {
        return new JsonObject().put("id", itemId).put("object", "realtime.item").put("type", "message")
                .put("status", "completed").put("role", "user")
                .put("content", new JsonArray().add(new JsonObject().put("type", "input_audio").put("transcript", transcript)));
    }

    static JsonObject assistantItem(String itemId, String status, boolean audio, String text) {
        JsonObject part = audio
                ? new JsonObject().put("type", "output_audio").put("transcript", text)
                : new JsonObject().put("type", "output_text").put("text", text);
        return new JsonObject().put("id", itemId).put("object", "realtime.item").put("type", "message")
                .put("status", status).put("role", "assistant").put("content", new JsonArray().add(part));
    }

    static JsonObject response(String responseId, String status, JsonArray output) {
        return new JsonObject().put("id", responseId).put("object", "realtime.response").put("status", status)
                .put("output", output);
    }
}
