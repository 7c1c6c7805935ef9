package perception.speech;

/** The text would make more audio than the caller allows: synthesis stopped at the limit, nothing past it kept. */
public final class SpeechTooLongException extends RuntimeException {
    private final double maxSeconds;

    public SpeechTooLongException(double maxSeconds) {
        super("the speech for this input is longer than the limit of " + Math.round(maxSeconds) + " s", null, false, false);
        this.maxSeconds = maxSeconds;
    }

    public double maxSeconds() {
        return maxSeconds;
    }
}
