package perception.speech;

/** A streaming session was used after it was closed (its client had ended it, or it was reaped as idle). */
public final class SessionClosedException extends IllegalStateException {
    public SessionClosedException(String message) {
        super(message);
    }
}
