package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringsTest {
    @Test
    void stopSpanningPiecesIsFoundAndHeldBack() {
        StopStrings s = new StopStrings(List.of("END"));
        assertEquals("hello ", s.push("hello E"));
        assertEquals("", s.push("N"));
        assertEquals("", s.push("Dafter"));
        assertTrue(s.stopped());
        assertEquals("", s.flush());
    }

    @Test
    void falseStartIsReleased() {
        StopStrings s = new StopStrings(List.of("END", "\n\n"));
        assertEquals("a", s.push("aEN"));
        assertEquals("ENx", s.push("x"));
        assertEquals("b", s.push("b\n"));
        assertEquals("\n", s.flush());
        assertFalse(s.stopped());
    }

    @Test
    void earliestStopWins() {
        StopStrings s = new StopStrings(List.of("yz", "x"));
        assertEquals("w", s.push("wxyz"));
    }
}
