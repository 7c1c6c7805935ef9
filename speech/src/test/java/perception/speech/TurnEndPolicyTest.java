package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TurnEndPolicyTest {
    final TurnEndPolicy policy = new TurnEndPolicy(200, 500, 800);

    @Test
    void questionsAndCommandsEndSoonest() {
        assertEquals(200, policy.silenceMs("what will the weather be like tomorrow"));
        assertEquals(200, policy.silenceMs("please turn on the kitchen lights"));
        assertEquals(200, policy.silenceMs("can you set an alarm for seven"));
    }

    @Test
    void aHangingLastWordWaitsLongest() {
        for (String s : new String[] {"turn on the lights and", "i would like to know um", "tell me a story about",
                "set a timer because", "what is the weather like in", "so",
                "i would like to know i'm"}) {
            assertEquals(800, policy.silenceMs(s), s);
        }
    }

    @Test
    void aShortPhraseGetsTheOrdinaryWindow() {
        assertEquals(500, policy.silenceMs("my brother told me"));
        assertEquals(500, policy.silenceMs("i think the meeting"));
        assertEquals(500, policy.silenceMs(""));
    }

    @Test
    void aLongSentenceEndingOnAContentWordWaitsLessThanAShortPhrase() {
        // misheard questions ("where is the nearest train station", "who wrote the book ...") and plain statements
        assertEquals(400, policy.silenceMs("whereas the nearest brain station"));
        assertEquals(400, policy.silenceMs("i wrote a book about the white whale"));
        assertEquals(400, policy.silenceMs("yesterday i went to the market"));
        assertEquals(800, policy.silenceMs("yesterday i went to the market and"), "a hanging word still waits longest");
    }

    @Test
    void oneWordWaitsAsLongAsAHangingOne() {
        assertEquals(800, policy.silenceMs("banana"));
        assertEquals(800, policy.silenceMs("stop"), "one word is often the start of more: \"Stop. Tell me a joke instead.\"");
    }

    @Test
    void windowsMustGrowWithDoubt() {
        assertThrows(IllegalArgumentException.class, () -> new TurnEndPolicy(600, 500, 800));
        assertThrows(IllegalArgumentException.class, () -> new TurnEndPolicy(-1, 500, 800));
        assertEquals(300, TurnEndPolicy.fixed(300).silenceMs("what time is it"));
    }
}
