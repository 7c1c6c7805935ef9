package perception.llm.remote;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-sent events parser that takes bytes split anywhere (mid-line, mid-UTF-8 character):
 * lines end in LF, CR or CRLF; "data:" lines of one event are joined with "\n"; comments
 * (":keep-alive") and other fields are ignored; a blank line dispatches the event.
 */
public final class SseReader {
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean lastWasCr;

    /** Feeds bytes; returns the data of every event completed by them, in order. */
    public List<String> feed(ByteBuffer bytes) {
        List<String> events = new ArrayList<>();
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = b == '\r';
            if (b == '\n' || b == '\r') {
                endLine(events);
            } else {
                line.write(b);
            }
        }
        return events;
    }

    public List<String> feed(byte[] bytes) {
        return feed(ByteBuffer.wrap(bytes));
    }

    private void endLine(List<String> events) {
        String l = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (l.isEmpty()) {
            if (hasData) events.add(data.toString());
            data.setLength(0);
            hasData = false;
            return;
        }
        if (l.startsWith(":")) return;
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) value = value.substring(1);
        if (field.equals("data")) {
            if (hasData) data.append('\n');
            data.append(value);
            hasData = true;
        }
    }
}
