package perception.gateway.vision;

import io.vertx.core.eventbus.Message;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusErrors;
import perception.vision.VisionException;

/** The vision sense's side of {@link BusErrors}: its own failures by type, and how callers name its absence. */
final class VisionErrors {
    static final BusErrors.Sense SENSE = new BusErrors.Sense("vision", "vision_not_ready",
            "vision models are still loading or failed to load: see GET /ready",
            "vision analysis timed out: send a shorter video or a lower fps");

    private VisionErrors() {
    }

    /** A {@link VisionException} says whose fault it is: a corrupt, too large or unsupported image is the client's. */
    static ApiError typed(Throwable t) {
        if (!(t instanceof VisionException v)) return null;
        return switch (v.reason()) {
            case CORRUPT -> ApiError.badRequest("invalid_image", v.getMessage());
            case TOO_LARGE -> ApiError.tooLarge(v.getMessage());
            case UNSUPPORTED -> ApiError.unsupportedMedia(v.getMessage());
        };
    }

    /** The error a client sees for a failed vision call (or a failure met before the call). */
    static ApiError toApiError(Throwable t) {
        ApiError typed = typed(t);
        return typed != null ? typed : SENSE.toApiError(t);
    }

    static void fail(Message<?> message, Throwable t) {
        BusErrors.fail(message, BusErrors.of(t, "vision", VisionErrors::typed));
    }
}
