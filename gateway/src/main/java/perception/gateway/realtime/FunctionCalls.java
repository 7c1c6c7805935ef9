package perception.gateway.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The client-function calls of one response, as OpenAI Realtime reports them: each call is an
 * output item of type {@code function_call} ({@code response.output_item.added}), its arguments
 * stream as {@code response.function_call_arguments.delta}, and when the response ends come
 * {@code response.function_call_arguments.done} and {@code response.output_item.done}. Completed
 * calls join the conversation, where the client's {@code function_call_output} answers them.
 */
final class FunctionCalls {
    private static final class Call {
        final String itemId = RealtimeEvents.id("item");
        final int outputIndex;
        final String callId;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        Call(int outputIndex, String callId, String name) {
            this.outputIndex = outputIndex;
            this.callId = callId;
            this.name = name;
        }
    }

    /** Where events go: the response's own emit, so a held (speculative) answer sends nothing yet. */
    private final Consumer<JsonObject> out;
    private final String responseId;
    private final int firstOutputIndex;
    private final Map<Integer, Call> calls = new LinkedHashMap<>();

    FunctionCalls(Consumer<JsonObject> out, String responseId, int firstOutputIndex) {
        this.out = out;
        this.responseId = responseId;
        this.firstOutputIndex = firstOutputIndex;
    }

    /** A piece from the LLM bus: {index, id?, name?, arguments}. */
    void onPiece(JsonObject piece) {
        int index = piece.getInteger("index", 0);
        Call call = calls.get(index);
        if (call == null) {
            String callId = piece.getString("id", perception.llm.ToolCall.newId());
            call = new Call(firstOutputIndex + calls.size(), callId, piece.getString("name", ""));
            calls.put(index, call);
            out.accept(RealtimeEvents.event("response.output_item.added").put("response_id", responseId).put("output_index", call.outputIndex)
                    .put("item", RealtimeTools.functionCallItem(call.itemId, "in_progress", call.callId, call.name, "")));
        }
        String delta = piece.getString("arguments", "");
        if (delta.isEmpty()) return;
        call.arguments.append(delta);
        out.accept(RealtimeEvents.event("response.function_call_arguments.delta").put("response_id", responseId)
                .put("item_id", call.itemId).put("output_index", call.outputIndex).put("call_id", call.callId).put("delta", delta));
    }

    boolean any() {
        return !calls.isEmpty();
    }

    /**
     * Ends every call: the done events, and (when the response completed) the calls join the
     * conversation. Returns the finished items for {@code response.done}'s output.
     */
    List<JsonObject> finish(boolean completed, Conversation conversation) {
        List<JsonObject> items = new ArrayList<>();
        for (Call c : calls.values()) {
            String arguments = c.arguments.length() == 0 ? "{}" : c.arguments.toString();
            out.accept(RealtimeEvents.event("response.function_call_arguments.done").put("response_id", responseId)
                    .put("item_id", c.itemId).put("output_index", c.outputIndex).put("call_id", c.callId).put("name", c.name)
                    .put("arguments", arguments));
            JsonObject item = RealtimeTools.functionCallItem(c.itemId, completed ? "completed" : "incomplete", c.callId, c.name, arguments);
            out.accept(RealtimeEvents.event("response.output_item.done").put("response_id", responseId).put("output_index", c.outputIndex)
                    .put("item", item));
            if (completed) conversation.addFunctionCall(item);
            items.add(item);
        }
        return items;
    }

    static JsonArray output(JsonObject message, List<JsonObject> calls) {
        JsonArray out = new JsonArray().add(message);
        calls.forEach(out::add);
        return out;
    }
}
