package perception.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import perception.gateway.core.Bus;

/**
 * One generation by the LLM verticle ({@link Bus#GENERATE}): text pieces arrive on a private
 * address as they are made; the future completes with the verticle's {@code done} object
 * (finish_reason, prompt_tokens, completion_tokens). {@link #cancel} stops it between two tokens.
 */
public final class Brain {
    private final Vertx vertx;
    private final String id = "rt-" + UUID.randomUUID();
    private MessageConsumer<JsonObject> pieces;
    private boolean finished;

    public Brain(Vertx vertx) {
        this.vertx = vertx;
    }

    /** request: {messages:[{role, parts:[{text}|{image, mime}]}], max_tokens, temperature}. */
    public Future<JsonObject> generate(JsonObject request, Handler<String> onText) {
        return generate(request, onText, piece -> { });
    }

    /** As above; pieces of tool calls ({index, id?, name?, arguments}) go to {@code onToolCall}. */
    public Future<JsonObject> generate(JsonObject request, Handler<String> onText, Handler<JsonObject> onToolCall) {
        Promise<JsonObject> result = Promise.promise();
        String streamTo = Bus.GENERATE + ".stream." + id;
        pieces = vertx.eventBus().consumer(streamTo, m -> {
            JsonObject body = m.body();
            if (body.containsKey("text")) onText.handle(body.getString("text"));
            else if (body.containsKey("tool_call")) onToolCall.handle(body.getJsonObject("tool_call"));
            else if (body.containsKey("done")) result.tryComplete(body.getJsonObject("done"));
            else if (body.containsKey("error")) result.tryFail(body.getJsonObject("error").getString("message"));
        });
        pieces.completion()
                .compose(v -> perception.gateway.core.Workers.<JsonObject>request(vertx, Bus.GENERATE, request.copy().put("id", id).put("stream_to", streamTo),
                        new DeliveryOptions().setSendTimeout(30_000), false))
                .onSuccess(accepted -> {
                    Runnable unwatch = perception.gateway.core.Workers.watch(vertx, accepted.body().getString("node"), () -> result.tryFail(
                            "the language model's worker left the cluster mid-answer; ask again"));
                    result.future().onComplete(r -> unwatch.run());
                })
                .onFailure(e -> result.tryFail(e.getMessage()));
        return result.future().onComplete(r -> {
            finished = true;
            pieces.unregister();
        });
    }

    public void cancel() {
        if (finished || pieces == null) return;
        finished = true;
        vertx.eventBus().publish(Bus.GENERATE_CANCEL, id);
        pieces.unregister();
    }
}
