package perception.llm;

/**
 * A failure of a chat backend with the HTTP status it maps to (400 bad request, 502 upstream
 * failed, 503 unavailable/overloaded, 504 timed out), a short code, and a message that says what
 * to do. The gateway turns it into its ApiError.
 */
public final class LlmException extends RuntimeException {
    private final int status;
    private final String code;

    public LlmException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public LlmException(int status, String code, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
