package perception.gateway.llm;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import perception.gateway.core.ApiError;
import perception.gateway.core.Bus;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.JsonReply;

/**
 * POST /v1/chat/completions, OpenAI-compatible (plain JSON or SSE chunks ending in
 * {@code data: [DONE]}), tools included: the model's calls come back as {@code message.tool_calls}
 * or streamed {@code delta.tool_calls}, with {@code finish_reason: "tool_calls"}, for the client to
 * run. It reaches the LLM verticle only through the event bus: the request goes
 * to {@link Bus#GENERATE} with a fresh per-request address that receives the text pieces; a client
 * that disconnects cancels the generation.
 */
public final class LlmRoutes {
    private LlmRoutes() {
    }

    static final String WORKER_LOST = "the language model's worker left the cluster mid-answer; send the request again";

    public static void mount(Router router, GatewayContext context) {
        router.post("/v1/chat/completions").handler(ctx -> chat(ctx, context));
    }

    private static void chat(RoutingContext ctx, GatewayContext context) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            throw ApiError.badRequest("invalid_json", "The body is not a JSON object: " + e.getMessage());
        }
        ChatCompletionRequest req = ChatCompletionRequest.parse(body);
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        String streamTo = Bus.GENERATE + ".stream." + id;
        long created = System.currentTimeMillis() / 1000;
        var bus = context.vertx().eventBus();
        Exchange ex = new Exchange(ctx, req, id, created);
        MessageConsumer<JsonObject> pieces = bus.consumer(streamTo, msg -> ex.on(msg.body()));
        ex.consumer = pieces;
        ctx.response().closeHandler(v -> {
            if (!ex.finished) bus.publish(Bus.GENERATE_CANCEL, id);
            ex.finish();
        });
        JsonObject message = req.bus.copy().put("id", id).put("stream_to", streamTo);
        pieces.completion().compose(v -> perception.gateway.core.Workers.<JsonObject>request(context.vertx(), Bus.GENERATE, message, new DeliveryOptions().setSendTimeout(30_000), false))
                .onSuccess(accepted -> {
                    ex.model = accepted.body().getString("model");
                    ex.unwatch = perception.gateway.core.Workers.watch(context.vertx(), accepted.body().getString("node"),
                            () -> ex.on(BusChat.error(503, "service_unavailable", "worker_lost", WORKER_LOST)));
                })
                .onFailure(e -> {
                    ex.finish();
                    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
                        ctx.fail(re.failureCode() == 400 ? ApiError.badRequest("invalid_request", re.getMessage())
                                : ApiError.unavailable("llm_unavailable", re.getMessage()));
                    } else if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
                        ctx.fail(ApiError.unavailable("llm_loading", "The language model is still loading (or failed to load): see /ready."));
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    /** One request's life on the event loop: pieces in, SSE chunks or one JSON body out. */
    private static final class Exchange {
        final RoutingContext ctx;
        final ChatCompletionRequest req;
        final String id;
        final long created;
        MessageConsumer<JsonObject> consumer;
        Runnable unwatch; // stops watching the worker node (cluster)
        boolean finished;
        boolean headWritten;
        final StringBuilder text = new StringBuilder();

        Exchange(RoutingContext ctx, ChatCompletionRequest req, String id, long created) {
            this.ctx = ctx;
            this.req = req;
            this.id = id;
            this.created = created;
        }

        void on(JsonObject msg) {
            if (finished) return;
            if (msg.containsKey("text")) {
                String piece = msg.getString("text");
                if (req.stream) {
                    startStream(null);
                    write(chunk(null, new JsonObject().put("content", piece), null));
                } else {
                    text.append(piece);
                }
            } else if (msg.containsKey("tool_call")) {
                if (req.stream) {
                    startStream(null);
                    ToolCallChunks.pieces(msg.getJsonObject("tool_call")).forEach(d -> write(chunk(null, d, null)));
                }
            } else if (msg.containsKey("done")) {
                done(msg.getJsonObject("done"));
            } else if (msg.containsKey("error")) {
                JsonObject e = msg.getJsonObject("error");
                ApiError error = new ApiError(e.getInteger("status"), e.getString("type"), e.getString("code"), e.getString("message"), null);
                finish();
                if (headWritten) {
                    ctx.response().end("data: " + error.toJson().encode() + "\n\n");
                } else {
                    ErrorHandler.send(ctx, error);
                }
            }
        }

        private void done(JsonObject d) {
            String model = d.getString("model");
            String finish = d.getString("finish_reason");
            JsonObject usage = new JsonObject().put("prompt_tokens", d.getInteger("prompt_tokens"))
                    .put("completion_tokens", d.getInteger("completion_tokens"))
                    .put("total_tokens", d.getInteger("prompt_tokens") + d.getInteger("completion_tokens"));
            finish();
            if (req.stream) {
                startStream(model);
                write(chunk(model, new JsonObject(), finish));
                if (req.includeUsage) {
                    write(new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                            .put("model", model).put("choices", new JsonArray()).put("usage", usage));
                }
                ctx.response().end("data: [DONE]\n\n");
            } else {
                JsonObject message = new JsonObject().put("role", "assistant").put("content", text.toString());
                JsonArray calls = d.getJsonArray("tool_calls", new JsonArray());
                if (!calls.isEmpty()) {
                    if (text.isEmpty()) message.putNull("content"); // as OpenAI answers a call without words
                    message.put("tool_calls", ToolCallChunks.message(calls));
                }
                JsonObject choice = new JsonObject().put("index", 0).put("message", message)
                        .putNull("logprobs").put("finish_reason", finish);
                JsonReply.send(ctx, 200, new JsonObject().put("id", id).put("object", "chat.completion").put("created", created)
                        .put("model", model).put("choices", new JsonArray().add(choice)).put("usage", usage)
                        .put("timings", new JsonObject().put("first_token_ms", d.getDouble("first_token_ms")).put("total_ms", d.getDouble("total_ms"))));
            }
        }

        String model;

        private void startStream(String modelId) {
            if (modelId != null) model = modelId;
            if (headWritten) return;
            headWritten = true;
            HttpServerResponse r = ctx.response();
            r.setStatusCode(200).setChunked(true).putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache").putHeader("x-accel-buffering", "no");
            write(chunk(null, new JsonObject().put("role", "assistant").put("content", ""), null));
        }

        private JsonObject chunk(String modelId, JsonObject delta, String finish) {
            JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).putNull("logprobs");
            if (finish == null) choice.putNull("finish_reason");
            else choice.put("finish_reason", finish);
            return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
                    .put("model", modelId != null ? modelId : model == null ? "llm" : model).put("choices", new JsonArray().add(choice));
        }

        private void write(JsonObject chunk) {
            if (!ctx.response().ended() && !ctx.response().closed()) ctx.response().write("data: " + chunk.encode() + "\n\n");
        }

        void finish() {
            if (finished) return;
            finished = true;
            if (consumer != null) consumer.unregister();
            if (unwatch != null) unwatch.run();
        }
    }
}
