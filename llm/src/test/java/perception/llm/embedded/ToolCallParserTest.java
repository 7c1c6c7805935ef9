package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import perception.llm.LlmException;
import perception.llm.ToolCall;

/** Calls taken out of streamed text however it is split; text around them released; bad calls reported. */
class ToolCallParserTest {
    final List<ToolCall> seen = new ArrayList<>();

    ToolCallParser parser() {
        return new ToolCallParser(Set.of("clock", "calculator"), "m", seen::add);
    }

    /** Feeds the text split into pieces of {@code size} characters; returns the released text. */
    String feed(ToolCallParser p, String text, int size) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i += size) out.append(p.push(text.substring(i, Math.min(text.length(), i + size))));
        return out.append(p.finish(true)).toString();
    }

    @Test
    void callsAreWithheldAndParsedAtAnySplit() {
        String text = "Let me check.\n<tool_call>\n{\"name\": \"clock\", \"arguments\": {\"place\": \"Tokyo\"}}\n</tool_call>\n"
                + "<tool_call>\n{\"name\": \"calculator\", \"arguments\": {\"expression\": \"2+2\"}}\n</tool_call>";
        for (int size = 1; size <= text.length(); size++) {
            seen.clear();
            ToolCallParser p = parser();
            assertEquals("Let me check.\n", feed(p, text, size), "split " + size);
            assertEquals(2, p.calls().size());
            assertEquals("clock", p.calls().get(0).name());
            assertEquals("{\"place\":\"Tokyo\"}", p.calls().get(0).arguments());
            assertEquals("{\"expression\":\"2+2\"}", p.calls().get(1).arguments());
            assertEquals(p.calls(), seen);
        }
    }

    @Test
    void textThatOnlyLooksLikeATagIsReleased() {
        ToolCallParser p = parser();
        assertEquals("a <tool b < c <tool_cal", feed(p, "a <tool b < c <tool_cal", 3));
        assertTrue(p.calls().isEmpty());
    }

    @Test
    void malformedCallsAreReported() {
        for (String bad : List.of("<tool_call>{\"name\": \"clock\", \"arguments\": {</tool_call>", "<tool_call>[1,2]</tool_call>",
                "<tool_call>{\"arguments\": {}}</tool_call>", "<tool_call>{\"name\": \"rm\", \"arguments\": {}}</tool_call>",
                "<tool_call>{\"name\": \"clock\", \"arguments\": 5}</tool_call>", "<tool_call>{\"name\": \"clock\"")) {
            LlmException e = assertThrows(LlmException.class, () -> feed(parser(), bad, 4), bad);
            assertEquals("invalid_tool_call", e.code());
            assertEquals(502, e.status());
        }
    }

    @Test
    void aCallCutByTheTokenLimitSaysSo() {
        ToolCallParser p = parser();
        p.push("<tool_call>{\"name\": \"clo");
        LlmException e = assertThrows(LlmException.class, () -> p.finish(false));
        assertTrue(e.getMessage().contains("max_tokens"), e.getMessage());
    }
}
