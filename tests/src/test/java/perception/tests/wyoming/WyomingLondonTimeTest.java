package perception.tests.wyoming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.tests.TestGateway;
import perception.tests.wyoming.WyomingClient.Event;

/**
 * "What time is it in London" through Wyoming's handle flow with no LLM configured: the built-in
 * assistant behind LlmFeature.GENERATE (its clock skill) must answer with London's current hour.
 */
class WyomingLondonTimeTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("analyzers", "", "llm_backend", "none", "wyoming_port", "0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    @Test
    void theAssistantTellsLondonsTime() throws Exception {
        ZoneId london = ZoneId.of("Europe/London");
        int before = ZonedDateTime.now(london).getHour();
        Event e;
        try (WyomingClient c = new WyomingClient(gateway.gateway().wyomingPort())) {
            c.send("transcript", new JsonObject().put("text", "what time is it in London").put("language", "en"));
            e = c.read();
        }
        int after = ZonedDateTime.now(london).getHour();
        assertEquals("handled", e.type(), "the assistant answers without an LLM: " + e.data().encode());
        String answer = e.text();
        assertTrue(mentionsHour(answer, before) || mentionsHour(answer, after),
                "London's hour (" + before + ") in the answer: '" + answer + "'");
    }

    /** The hour as a clock reading: 24-hour "15:04", or 12-hour "3:04", "3 PM", "3 o'clock". */
    static boolean mentionsHour(String text, int hour) {
        int h12 = hour % 12 == 0 ? 12 : hour % 12;
        String h24 = String.valueOf(hour), h24padded = String.format("%02d", hour);
        Pattern p = Pattern.compile("\\b(" + h24 + "|" + h24padded + "|" + h12 + ")(:\\d\\d|\\s*(a\\.?m\\.?|p\\.?m\\.?|o'clock))",
                Pattern.CASE_INSENSITIVE);
        return p.matcher(text).find();
    }
}
