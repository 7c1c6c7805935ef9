package perception.gateway.core;

import io.vertx.core.AsyncResult;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one error mapping across the event bus. A sense fails a request with the {@link ApiError} its
 * failure maps to, by exception type ({@link #reply}): the status as failure code, the error as JSON,
 * so a remote node can send it too. A caller turns any bus failure back into that ApiError
 * ({@link Sense#toApiError}); nobody reads exception text.
 */
public final class BusErrors {
    private static final Logger log = LoggerFactory.getLogger(BusErrors.class);

    private BusErrors() {
    }

    /** How a sense's own failures map to errors by type (null: not one of its types); the default knows none. */
    public interface Types extends Function<Throwable, ApiError> {
    }

    /**
     * The error for a failure inside a sense: an ApiError as it is, the sense's typed failures as
     * {@code types} says, bad input (IllegalArgumentException) a 400, {@link StoppingException} a 503,
     * anything else a 500 whose details go to the log only.
     */
    public static ApiError of(Throwable t, String sense, Types types) {
        if (t instanceof ApiError a) return a;
        ApiError typed = types == null ? null : types.apply(t);
        if (typed != null) return typed;
        if (t instanceof IllegalArgumentException) return ApiError.badRequest("invalid_request", t.getMessage());
        if (t instanceof StoppingException) return ApiError.unavailable("stopping", t.getMessage());
        // one line per failure; the stack trace at debug (a client may provoke these at will)
        log.error("{} request failed: {}", sense, t.toString());
        log.debug("stack trace", t);
        return ApiError.internal(sense + " failed; the gateway log has the details");
    }

    /** Replies with the result, or fails the message with the mapped error. */
    public static void reply(Message<?> msg, AsyncResult<?> r, String sense, Types types) {
        if (r.succeeded()) msg.reply(r.result());
        else fail(msg, of(r.cause(), sense, types));
    }

    public static void fail(Message<?> msg, ApiError e) {
        msg.fail(e.status(), e.toJson().encode());
    }

    /** The error a work item throws when its sense is stopping (its models are being closed). */
    public static final class StoppingException extends IllegalStateException {
        public StoppingException(String sense) {
            super("the " + sense + " sense is stopping: retry on another gateway or after the restart");
        }
    }

    /**
     * A caller's view of one sense: what to say when nobody serves its address (not loaded) or it
     * did not answer in time.
     */
    public record Sense(String name, String notLoadedCode, String notLoadedMessage, String timeoutMessage) {
        public ApiError toApiError(Throwable t) {
            if (t instanceof ApiError a) return a;
            if (t instanceof ReplyException r) {
                if (r.failureType() == ReplyFailure.NO_HANDLERS) return ApiError.unavailable(notLoadedCode, notLoadedMessage);
                if (r.failureType() == ReplyFailure.TIMEOUT) return ApiError.unavailable(name + "_timeout", timeoutMessage);
                return decode(r);
            }
            return ErrorHandler.toApiError(t, 500);
        }

        private ApiError decode(ReplyException r) {
            try {
                JsonObject e = new JsonObject(r.getMessage()).getJsonObject("error");
                return new ApiError(r.failureCode(), e.getString("type"), e.getString("code"), e.getString("message"), e.getString("param"));
            } catch (RuntimeException notJson) { // a producer that failed the message by hand
                return new ApiError(r.failureCode() > 0 ? r.failureCode() : 500, r.failureCode() == 400 ? "invalid_request_error" : "server_error",
                        name + "_error", String.valueOf(r.getMessage()), null);
            }
        }
    }
}
