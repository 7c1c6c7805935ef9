package perception.vision;

/**
 * Bad input to the vision module: the message says what was wrong and what to send instead.
 * {@link Reason} tells the gateway which HTTP status fits (400, 413, 415).
 */
public final class VisionException extends RuntimeException {
    public enum Reason {
        /** Corrupt, truncated or empty data in a format we know: 400. */
        CORRUPT,
        /** Larger than the configured limit: 413. */
        TOO_LARGE,
        /** Not an image/video format or codec we can read: 415. */
        UNSUPPORTED
    }

    private final Reason reason;

    public VisionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
