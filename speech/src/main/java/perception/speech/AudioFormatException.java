package perception.speech;

/**
 * The input is not audio we can read: not a known container, truncated, zero length, an unsupported
 * codec or sample layout. A client error (the gateway answers 400); the message says what was wrong.
 */
public final class AudioFormatException extends IllegalArgumentException {
    public AudioFormatException(String message) {
        super(message);
    }

    public AudioFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
