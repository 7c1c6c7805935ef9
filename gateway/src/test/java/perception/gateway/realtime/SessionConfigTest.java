package perception.gateway.realtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import perception.gateway.core.GatewayConfig;

/** Which turn detector a session's turn_detection picks: the word rules, OpenAI's fixed window, or the turn model by eagerness. */
class SessionConfigTest {
    static final GatewayConfig GATEWAY = GatewayConfig.defaults();

    static SessionConfig with(JsonObject turnDetection) {
        SessionConfig c = new SessionConfig();
        c.apply(new JsonObject().put("turn_detection", turnDetection));
        return c;
    }

    @Test
    void theDefaultSessionKeepsTheWordRulesUnlessTheModelIsMadeTheDefault() {
        SessionConfig c = new SessionConfig();
        assertArrayEquals(new int[] {200, 500, 500}, c.silenceWindows());
        assertNull(c.turnModel(GATEWAY));
        assertEquals(new JsonObject().put("threshold", 0.5).put("max_silence_ms", 1500),
                c.turnModel(GATEWAY.with("turn_model_default_session", "true")));
        assertNull(c.turnModel(GATEWAY.with("turn_model_default_session", "true", "turn_model", "false")));
    }

    @Test
    void anExplicitServerVadIsOpenAisFixedWindowOrTheWordRulesWithAMinimum() {
        assertArrayEquals(new int[] {700, 700, 700}, with(new JsonObject().put("type", "server_vad").put("silence_duration_ms", 700)).silenceWindows());
        assertArrayEquals(new int[] {200, 500, 500}, with(new JsonObject().put("type", "server_vad").put("min_silence_duration_ms", 200)).silenceWindows());
        assertNull(with(new JsonObject().put("type", "server_vad")).turnModel(GATEWAY.with("turn_model_default_session", "true")));
    }

    @Test
    void semanticVadEagernessMovesTheModelsThresholdAndLongestSilence() {
        JsonObject high = with(new JsonObject().put("type", "semantic_vad").put("eagerness", "high")).turnModel(GATEWAY);
        assertEquals(0.35, high.getDouble("threshold"), 1e-9);
        assertEquals(750, high.getInteger("max_silence_ms"));
        JsonObject low = with(new JsonObject().put("type", "semantic_vad").put("eagerness", "low")).turnModel(GATEWAY);
        assertEquals(0.7, low.getDouble("threshold"), 1e-9);
        assertEquals(3000, low.getInteger("max_silence_ms"));
        JsonObject veto = with(new JsonObject().put("type", "semantic_vad").put("word_veto", true)).turnModel(GATEWAY.with("turn_model_max_silence_ms", "1000"));
        assertEquals(new JsonObject().put("threshold", 0.5).put("max_silence_ms", 1000).put("word_veto", true), veto);
        assertNull(with(new JsonObject().put("type", "semantic_vad")).turnModel(GATEWAY.with("turn_model", "false")));
    }

    @Test
    void oursBelongToTheirType() {
        assertThrows(IllegalArgumentException.class, () -> with(new JsonObject().put("type", "server_vad").put("word_veto", true)));
        assertThrows(IllegalArgumentException.class, () -> with(new JsonObject().put("type", "semantic_vad").put("min_silence_duration_ms", 100)));
    }
}
