package perception.llm;

/** Set from any thread to stop a generation; it is checked between any two tokens. */
public final class Cancellation {
    private volatile boolean cancelled;

    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
