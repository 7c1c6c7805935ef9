package perception.gateway.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The items of one realtime conversation, kept as chat messages for the model: user
 * transcripts, typed text and images, what the assistant actually said, the functions it called
 * and the outputs the client sent back. The oldest items go
 * first once there are more than {@code maxItems}; the LLM side trims to its token budget.
 */
final class Conversation {
    private record Item(String id, JsonObject message) {
    }

    private final int maxItems;
    /** Largest item kept, in characters of its JSON (text and base64 images): history memory stays bounded. */
    private long maxItemChars = Long.MAX_VALUE;
    private final Deque<Item> items = new ArrayDeque<>();

    Conversation(int maxItems) {
        this.maxItems = maxItems;
    }

    Conversation maxItemChars(long chars) {
        this.maxItemChars = chars;
        return this;
    }

    String lastId() {
        return items.isEmpty() ? null : items.peekLast().id();
    }

    String previousId(JsonObject created) {
        String previous = null;
        for (Item i : items) {
            if (i.id().equals(created.getString("id"))) return previous;
            previous = i.id();
        }
        return previous;
    }

    void addUserTranscript(String itemId, String transcript) {
        add(new Item(itemId, text("user", transcript)));
    }

    void addAssistant(String itemId, String text) {
        add(new Item(itemId, text("assistant", text)));
    }

    /**
     * A conversation.item.create from the client: a message with input_text / input_image
     * (data URL) parts, or text parts of an assistant/system message. Returns the item as created.
     */
    JsonObject addClientItem(JsonObject item) {
        String type = item.getValue("type") instanceof String t ? t : "message";
        if (type.equals("function_call") || type.equals("function_call_output")) return addFunctionItem(item, type);
        if (!type.equals("message")) {
            throw new IllegalArgumentException("item.type '" + type + "' is not supported: send a message, function_call or function_call_output item");
        }
        String role = item.getValue("role") instanceof String r ? r : "";
        if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
            throw new IllegalArgumentException("item.role must be user, assistant or system");
        }
        if (!(item.getValue("content") instanceof JsonArray content) || content.isEmpty()) {
            throw new IllegalArgumentException("item.content must be a non-empty array of parts");
        }
        JsonArray parts = new JsonArray();
        for (Object o : content) {
            if (!(o instanceof JsonObject part)) throw new IllegalArgumentException("each content part must be an object");
            switch (part.getString("type", "")) {
                case "input_text", "text", "output_text" -> {
                    if (!(part.getValue("text") instanceof String t)) throw new IllegalArgumentException("a text part needs \"text\"");
                    parts.add(new JsonObject().put("text", t));
                }
                case "input_image" -> {
                    Object url = part.getValue("image_url");
                    if (!(url instanceof String u) || !u.startsWith("data:image/")) {
                        throw new IllegalArgumentException("input_image needs \"image_url\" as a data URL (data:image/jpeg;base64,...)");
                    }
                    if (!role.equals("user")) throw new IllegalArgumentException("only user items may carry images");
                    int comma = u.indexOf(";base64,");
                    if (comma < 0) throw new IllegalArgumentException("input_image data URL must be base64 (data:image/jpeg;base64,...)");
                    parts.add(new JsonObject().put("image", u.substring(comma + 8)).put("mime", u.substring(5, comma)));
                }
                default -> throw new IllegalArgumentException("content part type '" + part.getString("type") + "' is not supported: use input_text or input_image");
            }
        }
        String id = item.getValue("id") instanceof String s && !s.isBlank() ? s : RealtimeEvents.id("item");
        long size = parts.encode().length();
        if (size > maxItemChars) {
            throw new IllegalArgumentException("the item is " + size / 1024 + " KB; the limit is " + maxItemChars / 1024
                    + " KB (setting realtime_max_item_kb): send smaller images or less text");
        }
        add(new Item(id, new JsonObject().put("role", role).put("parts", parts)));
        return item.copy().put("id", id).put("object", "realtime.item").put("status", "completed");
    }

    /** A function call the model made (a completed function_call item), as an assistant message with tool_calls. */
    void addFunctionCall(JsonObject item) {
        JsonObject call = new JsonObject().put("id", item.getString("call_id")).put("name", item.getString("name"))
                .put("arguments", item.getString("arguments"));
        add(new Item(item.getString("id"), new JsonObject().put("role", "assistant").put("parts", new JsonArray())
                .put("tool_calls", new JsonArray().add(call))));
    }

    /** A client's function_call_output ({call_id, output}) as a tool message, or a function_call it replays. */
    private JsonObject addFunctionItem(JsonObject item, String type) {
        if (!(item.getValue("call_id") instanceof String callId) || callId.isBlank()) throw new IllegalArgumentException(type + " needs \"call_id\"");
        String id = item.getValue("id") instanceof String s && !s.isBlank() ? s : RealtimeEvents.id("item");
        if (type.equals("function_call")) {
            if (!(item.getValue("name") instanceof String name) || name.isBlank()) throw new IllegalArgumentException("function_call needs \"name\"");
            String arguments = item.getValue("arguments") instanceof String a ? a : "{}";
            JsonObject created = RealtimeTools.functionCallItem(id, "completed", callId, name, arguments);
            addFunctionCall(created);
            return created;
        }
        if (!(item.getValue("output") instanceof String output)) throw new IllegalArgumentException("function_call_output needs \"output\" (a string, e.g. JSON text)");
        add(new Item(id, new JsonObject().put("role", "tool").put("tool_call_id", callId)
                .put("parts", new JsonArray().add(new JsonObject().put("text", output)))));
        return new JsonObject().put("id", id).put("object", "realtime.item").put("type", "function_call_output").put("status", "completed")
                .put("call_id", callId).put("output", output);
    }

    /**
     * Messages for the LLM verticle ({role, parts:[{text}|{image, mime}]}): the instructions first,
     * then the items; what the linked camera sees joins the newest user message, so the prompt's
     * start stays the same from turn to turn and the model's cache of it is reused (in the system
     * prompt, every new frame would change the first message and make the model re-read all).
     */
    JsonArray toMessages(String instructions, String cameraView) {
        JsonArray messages = new JsonArray().add(text("system", instructions));
        JsonObject previous = null;
        for (Item i : items) {
            JsonObject m = i.message().copy();
            // calls of one response are one assistant turn, as chat APIs expect their tool results to follow it
            if (previous != null && m.containsKey("tool_calls") && previous.containsKey("tool_calls")) {
                m.getJsonArray("tool_calls").forEach(previous.getJsonArray("tool_calls")::add);
                continue;
            }
            messages.add(m);
            previous = m;
        }
        if (cameraView != null) {
            JsonObject lastUser = null;
            for (int i = messages.size() - 1; i > 0 && lastUser == null; i--) {
                if ("user".equals(messages.getJsonObject(i).getString("role"))) lastUser = messages.getJsonObject(i);
            }
            if (lastUser != null) lastUser.getJsonArray("parts").add(new JsonObject().put("text", "\n\n" + cameraView));
            else messages.getJsonObject(0).getJsonArray("parts").getJsonObject(0).put("text", instructions + "\n\n" + cameraView);
        }
        return messages;
    }

    private static JsonObject text(String role, String text) {
        return new JsonObject().put("role", role).put("parts", new JsonArray().add(new JsonObject().put("text", text)));
    }

    private void add(Item item) {
        items.addLast(item);
        // past the cap, drop a quarter at once: the next turns then share their prompt's start (and the
        // model's cache of it) instead of each dropping one item and re-reading the whole conversation
        if (items.size() > maxItems) {
            while (items.size() > maxItems * 3 / 4) items.removeFirst();
        }
    }
}
