package perception.gateway.realtime;

/**
 * The answer started while the user pauses, before the turn is known to be over: the LLM generates
 * and the first piece is synthesised, but nothing reaches the client (the {@link Response} is held).
 * If the user goes on speaking it is dropped silently; when the turn ends with the same words it
 * is handed over and released, so the wait after the turn is only what is left of its work.
 */
final class EarlyAnswer {
    private Response held;
    private String transcript;

    boolean active() {
        return held != null;
    }

    void start(String transcript, Response response) {
        drop();
        this.held = response;
        this.transcript = transcript;
        response.start();
    }

    /** The user went on speaking (or the turn was cleared): forget the answer; nothing of it was sent. */
    void drop() {
        if (held != null) held.drop();
        held = null;
    }

    /** The held answer if it was made for exactly this transcript (the caller releases it), else null. */
    Response take(String finalTranscript) {
        Response r = held;
        held = null;
        if (r == null) return null;
        if (transcript.equals(finalTranscript)) return r;
        r.drop();
        return null;
    }
}
