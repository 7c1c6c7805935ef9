package perception.gateway.llm;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusStream;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.JsonReply;

/**
 * POST /v1/chat/completions, OpenAI-compatible (plain JSON or SSE chunks ending in
 * {@code data: [DONE]}), tools included: the model's calls come back as {@code message.tool_calls}
 * or streamed {@code delta.tool_calls}, with {@code finish_reason: "tool_calls"}, for the client to
 * run. It reaches the LLM verticle only through the event bus, as a {@link BusStream} call to
 * {@link LlmFeature#GENERATE}; a client that disconnects cancels the generation.
 */
public final class LlmRoutes {
    private LlmRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
        router.post("/v1/chat/completions").handler(ctx -> chat(ctx, context));
    }

    private static void chat(RoutingContext ctx, GatewayContext context) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (io.vertx.core.json.DecodeException e) {
            throw e; // ErrorHandler answers 400 with the position only: Jackson's text names its internals
        } catch (RuntimeException e) {
            throw ApiError.badRequest("invalid_json", "The body is not a JSON object: send {\"model\": ..., \"messages\": [...]}.");
        }
        ChatCompletionRequest req = ChatCompletionRequest.parse(body);
        long cap = context.config().limit("max_answer_tokens");
        Long asked = req.bus.getLong("max_tokens");
        if (asked != null && asked > cap) {
            // as OpenAI answers a max_tokens above the model's output limit: a 400 naming the limit
            throw ApiError.badParam(body.containsKey("max_completion_tokens") ? "max_completion_tokens" : "max_tokens",
                    "max_tokens is " + asked + ", but this gateway answers with at most " + cap
                            + " tokens (setting max_answer_tokens): ask for " + cap + " or fewer.");
        }
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        Exchange ex = new Exchange(ctx, req, id, created);
        BusStream call = BusStream.call(context.vertx(), LlmFeature.GENERATE, id, req.bus, LlmFeature.GENERATE_CANCEL, p -> ex.on((JsonObject) p));
        ex.call = call;
        ctx.response().closeHandler(v -> ex.finish()); // a client that left cancels the generation
        call.accepted().onSuccess(accepted -> ex.model = accepted.getString("model"));
        call.result().onComplete(r -> {
            if (r.succeeded()) ex.done(r.result());
            else if (r.cause() instanceof ApiError error) ex.failed(error); // the generation failed after it started
            else {
                ex.finish();
                ctx.fail(LlmVerticle.SENSE.toApiError(r.cause()));
            }
        });
    }

    /** One request's life on the event loop: pieces in, SSE chunks or one JSON body out. */
    private static final class Exchange {
        final RoutingContext ctx;
        final ChatCompletionRequest req;
        final String id;
        final long created;
        BusStream call;
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
            }
        }

        void failed(ApiError error) {
            if (finished) return;
            finish();
            if (headWritten) {
                ctx.response().end("data: " + error.toJson().encode() + "\n\n");
            } else {
                ErrorHandler.send(ctx, error);
            }
        }

        void done(JsonObject d) {
            if (finished) return;
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

        /** Ends listening; while the generation still runs, it is cancelled. */
        void finish() {
            if (finished) return;
            finished = true;
            call.cancel();
        }
    }
}
