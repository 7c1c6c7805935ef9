package perception.gateway.core;

import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps any failure to {@link ApiError} and writes it in the OpenAI error shape. The one place where
 * exceptions become HTTP responses: plain modules throw {@link IllegalArgumentException} for bad
 * input, everything unexpected becomes a 500 whose details stay in the log.
 */
public final class ErrorHandler implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        if (fromMultipartDecoder(ctx.failure())) {
            malformedMultipart(ctx);
            return;
        }
        if (ctx.failure() instanceof io.vertx.core.http.HttpClosedException && ctx.response().closed()) {
            // the client hung up (mid-upload, mid-answer): nobody is left to answer, and it is no failure of ours
            log.info("{} {}: the client closed the connection", ctx.request().method(), ctx.request().path());
            return;
        }
        ApiError error = toApiError(ctx.failure(), ctx.statusCode());
        // one line per failure; the stack trace only at debug (a client can provoke these at will)
        if (error.status() == 503 && ctx.failure() instanceof ApiError) {
            // busy or not loaded: expected under load, said to the client with Retry-After
            log.warn("{} {}: {}", ctx.request().method(), ctx.request().path(), error.getMessage());
        } else if (error.status() >= 500) {
            log.error("{} {} failed: {}", ctx.request().method(), ctx.request().path(), String.valueOf(ctx.failure()));
            log.debug("stack trace", ctx.failure());
        }
        send(ctx, error);
    }

    public static void send(RoutingContext ctx, ApiError error) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        if (error.status() == 429 || error.status() == 503) ctx.response().putHeader("retry-after", "1");
        ctx.response().setStatusCode(error.status())
                .putHeader("content-type", "application/json")
                .end(error.toJson().encode());
    }

    public static ApiError toApiError(Throwable failure, int status) {
        if (failure instanceof ApiError api) return api;
        if (failure instanceof DecodeException) return ApiError.badRequest("invalid_json", "The body is not valid JSON" + where(failure.getMessage()) + ".");
        if (failure instanceof IllegalArgumentException) return ApiError.badRequest("invalid_request", failure.getMessage());
        if (failure != null && failure.getCause() instanceof ApiError api) return api;
        return switch (status) {
            case 400 -> ApiError.badRequest("bad_request", "The request could not be read.");
            case 404 -> ApiError.notFound("No such endpoint. See GET /v1/models and the API list in README.md.");
            case 405 -> new ApiError(405, "invalid_request_error", "method_not_allowed", "Method not allowed on this endpoint.", null);
            case 413 -> ApiError.tooLarge("The body is larger than the limit; raise GATEWAY_MAX_BODY_MB if you need more.");
            case 415 -> ApiError.unsupportedMedia("Unsupported content type.");
            default -> ApiError.internal("Internal error. The gateway log has the details.");
        };
    }

    /**
     * Netty's multipart decoder throws plain runtime exceptions on some malformed part headers (a
     * Content-Disposition parameter without '=' is an ArrayIndexOutOfBoundsException); Vert.x
     * catches only the decoder's own exception types, so the rest reach Vert.x's channel handler,
     * which reports them to the request (and so here) and then closes the channel at once, dropping
     * any reply not yet flushed. So the 400 is written and flushed now, before that close.
     */
    private static void malformedMultipart(RoutingContext ctx) {
        log.info("{} {}: malformed multipart body: {}", ctx.request().method(), ctx.request().path(), String.valueOf(ctx.failure()));
        log.debug("stack trace", ctx.failure());
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        ctx.response().putHeader("connection", "close"); // the decoder's state is spent
        send(ctx, ApiError.badRequest("invalid_multipart", "The multipart/form-data body could not be parsed (a part's headers"
                + " are malformed): each part needs 'Content-Disposition: form-data; name=\"FIELD\"' with key=\"value\" parameters."));
        if (ctx.request().connection() instanceof io.vertx.core.net.impl.VertxConnection c) {
            c.flush();
            c.channel().attr(LINGER).set(Boolean.TRUE); // see ServerErrors: the close waits for the client's body
        }
    }

    /** Set on a channel whose close should linger: the client may still be sending a body we refused. */
    public static final io.netty.util.AttributeKey<Boolean> LINGER = io.netty.util.AttributeKey.valueOf("perception.linger");

    static boolean fromMultipartDecoder(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiError) return false;
            for (StackTraceElement e : t.getStackTrace()) {
                if (e.getClassName().startsWith("io.netty.handler.codec.http.multipart.")) return true;
                if (e.getClassName().startsWith("perception.")) break; // thrown by our code, not the decoder
            }
        }
        return false;
    }

    /** Jackson's message names its internal settings and echoes the input; keep only the position. */
    private static String where(String message) {
        var m = java.util.regex.Pattern.compile("line: (\\d+), column: (\\d+)").matcher(String.valueOf(message));
        return m.find() ? " (line " + m.group(1) + ", column " + m.group(2) + ")" : "";
    }
}
