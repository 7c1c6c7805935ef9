package perception.gateway.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;

/** What a realtime conversation sends the LLM keeps its start from turn to turn, so a prompt cache is reused. */
class ConversationTest {

    static String text(JsonArray messages, int i) {
        StringBuilder b = new StringBuilder();
        messages.getJsonObject(i).getJsonArray("parts").forEach(p -> b.append(((io.vertx.core.json.JsonObject) p).getString("text", "")));
        return b.toString();
    }

    @Test
    void theCameraViewJoinsTheNewestUserMessageNotTheSystemPrompt() {
        Conversation c = new Conversation(40);
        c.addUserTranscript("u1", "hello");
        c.addAssistant("a1", "hi there");
        c.addUserTranscript("u2", "what do you see?");
        JsonArray first = c.toMessages("Be brief.", "camera: a dog");
        assertEquals("Be brief.", text(first, 0), "the system prompt stays the same whatever the camera sees");
        assertEquals("hello", text(first, 1));
        assertTrue(text(first, 3).startsWith("what do you see?") && text(first, 3).endsWith("camera: a dog"), text(first, 3));
        JsonArray next = c.toMessages("Be brief.", "camera: a cat");
        assertEquals(text(first, 0) + text(first, 1) + text(first, 2), text(next, 0) + text(next, 1) + text(next, 2));
    }

    @Test
    void pastTheCapAQuarterGoesAtOnceSoTheNextTurnsShareTheirStart() {
        Conversation c = new Conversation(8);
        for (int i = 0; i < 9; i++) c.addUserTranscript("u" + i, "turn " + i);
        JsonArray trimmed = c.toMessages("sys", null);
        assertEquals(1 + 6, trimmed.size(), "9 items over a cap of 8 leave 6");
        assertEquals("turn 3", text(trimmed, 1));
        c.addUserTranscript("u9", "turn 9");
        c.addUserTranscript("u10", "turn 10");
        assertEquals("turn 3", text(c.toMessages("sys", null), 1), "the next two turns keep the same first item");
    }
}
