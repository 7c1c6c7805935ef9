package perception.llm.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseReaderTest {
    private static final String STREAM = ": keep-alive\r\n\r\ndata: {\"a\":\"Grüße\"}\r\n\r\nevent: x\nid: 3\ndata: line1\ndata: line2\n\n"
            + "data:nospace\r\rdata: [DONE]\n\n";

    @Test
    void eventsAreTheSameHoweverTheBytesAreSplit() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        List<String> whole = new SseReader().feed(bytes);
        assertEquals(List.of("{\"a\":\"Grüße\"}", "line1\nline2", "nospace", "[DONE]"), whole);
        for (int chunk = 1; chunk <= 7; chunk++) {
            SseReader r = new SseReader();
            List<String> events = new ArrayList<>();
            for (int i = 0; i < bytes.length; i += chunk) {
                events.addAll(r.feed(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + chunk))));
            }
            assertEquals(whole, events, "chunk size " + chunk);
        }
    }
}
