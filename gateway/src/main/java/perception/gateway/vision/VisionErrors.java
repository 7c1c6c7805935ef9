package perception.gateway.vision;

import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import perception.gateway.core.ApiError;
import perception.gateway.core.ErrorHandler;
import perception.vision.VisionException;

/**
 * Failures across the event bus: the verticle replies with the {@link ApiError} as JSON (status as
 * failure code) so a remote node could send it too; the routes turn it back into an ApiError.
 */
final class VisionErrors {
    private VisionErrors() {
    }

    static ApiError toApiError(Throwable t) {
        if (t instanceof VisionException v) {
            return switch (v.reason()) {
                case CORRUPT -> ApiError.badRequest("invalid_image", v.getMessage());
                case TOO_LARGE -> ApiError.tooLarge(v.getMessage());
                case UNSUPPORTED -> ApiError.unsupportedMedia(v.getMessage());
            };
        }
        if (t instanceof ReplyException r && r.failureCode() >= 400) {
            try {
                JsonObject e = new JsonObject(r.getMessage()).getJsonObject("error");
                return new ApiError(r.failureCode(), e.getString("type"), e.getString("code"), e.getString("message"), e.getString("param"));
            } catch (RuntimeException notJson) {
                return new ApiError(r.failureCode(), "server_error", "vision_error", r.getMessage(), null);
            }
        }
        if (t instanceof ReplyException r && r.failureType() == io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS) {
            return ApiError.unavailable("vision_not_ready", "vision models are still loading or failed to load: see GET /ready");
        }
        if (t instanceof ReplyException r && r.failureType() == io.vertx.core.eventbus.ReplyFailure.TIMEOUT) {
            return ApiError.unavailable("vision_timeout", "vision analysis timed out: send a shorter video or a lower fps");
        }
        return ErrorHandler.toApiError(t, 500);
    }

    static void fail(Message<?> message, Throwable t) {
        ApiError e = toApiError(t);
        message.fail(e.status(), e.toJson().encode());
    }
}
