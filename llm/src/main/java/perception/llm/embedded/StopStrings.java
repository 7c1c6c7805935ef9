package perception.llm.embedded;

import java.util.List;

/**
 * Finds stop strings in streamed text even when one spans several tokens. Text that could still be
 * the start of a stop string is held back until the next piece decides; text after a stop string
 * is never released.
 */
public final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    public StopStrings(List<String> stops) {
        this.stops = stops;
    }

    /** Adds generated text; returns what may be released now (possibly empty). */
    public String push(String text) {
        if (stopped) return "";
        pending.append(text);
        int earliest = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (earliest < 0 || i < earliest)) earliest = i;
        }
        if (earliest >= 0) {
            stopped = true;
            String out = pending.substring(0, earliest);
            pending.setLength(0);
            return out;
        }
        int hold = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, pending.length()); len > hold; len--) {
                if (pending.substring(pending.length() - len).equals(s.substring(0, len))) {
                    hold = len;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    public boolean stopped() {
        return stopped;
    }

    /** At the end of generation: whatever was held back (it did not become a stop string). */
    public String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }
}
