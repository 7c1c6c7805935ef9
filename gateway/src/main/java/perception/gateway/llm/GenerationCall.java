package perception.gateway.llm;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import perception.gateway.core.BusStream;

/**
 * The caller's side of one generation by the LLM verticle, for the realtime and Wyoming
 * conversations: a {@link BusStream} call to {@link LlmFeature#GENERATE} whose pieces are {text}
 * and {tool_call}; the future completes with the verticle's {@code done} object (finish_reason,
 * prompt_tokens, completion_tokens). {@link #cancel} stops it between two tokens.
 */
public final class GenerationCall {
    private final Vertx vertx;
    private BusStream call;

    public GenerationCall(Vertx vertx) {
        this.vertx = vertx;
    }

    /** request: {messages:[{role, parts:[{text}|{image, mime}]}], max_tokens, temperature}. */
    public Future<JsonObject> generate(JsonObject request, Handler<String> onText) {
        return generate(request, onText, piece -> { });
    }

    /** As above; pieces of tool calls ({index, id?, name?, arguments}) go to {@code onToolCall}. A cancelled generation's future stays pending. */
    public Future<JsonObject> generate(JsonObject request, Handler<String> onText, Handler<JsonObject> onToolCall) {
        call = BusStream.call(vertx, LlmFeature.GENERATE, "rt-" + UUID.randomUUID(), request, LlmFeature.GENERATE_CANCEL, p -> {
            JsonObject piece = (JsonObject) p;
            if (piece.containsKey("text")) onText.handle(piece.getString("text"));
            else if (piece.containsKey("tool_call")) onToolCall.handle(piece.getJsonObject("tool_call"));
        });
        return call.result();
    }

    public void cancel() {
        if (call != null) call.cancel();
    }
}
