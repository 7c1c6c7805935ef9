package perception.llm.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntentMatcherTest {
    private final IntentMatcher m = new IntentMatcher();

    private Intent match(String s) {
        Optional<Intent> i = m.match(s);
        assertTrue(i.isPresent(), "no intent for: " + s);
        return i.get();
    }

    private void none(String s) {
        assertEquals(Optional.empty(), m.match(s), s);
    }

    @Test
    void timePhrasingsWithPlaces() {
        for (String s : new String[] {"What time is it in Tokyo?", "what time is it in tokyo right now", "what time in it in tokyo",
                "What's the time in Tokyo", "whats the time in tokyo", "time in Tokyo", "Can you tell me what time it is in Tokyo?",
                "hey, what is the current time in tokyo please", "what time is it now in tokyo", "what time in tokyo",
                "so what time is it over in tokyo", "while time is it in tokyo", "what time is at in tokyo"}) {
            Intent i = match(s);
            assertEquals("clock", i.skill(), s);
            assertEquals("tokyo", i.arguments().get("place").asText(), s);
            assertEquals("time", i.arguments().get("what").asText(), s);
        }
        Intent here = match("What time is it?");
        assertEquals("clock", here.skill());
        assertTrue(!here.arguments().has("place"));
        assertEquals("new york", match("what's the time in New York right now").arguments().get("place").asText());
        assertEquals("date", match("what's the date today").arguments().get("what").asText());
        assertEquals("day", match("what day is it in sydney").arguments().get("what").asText());
        assertEquals("sydney", match("what day is it in sydney").arguments().get("place").asText());
    }

    @Test
    void arithmeticInDigitsAndWords() {
        for (String[] c : new String[][] {{"what is seventeen times twenty three", "seventeen times twenty three"},
                {"What's 0.1 + 0.2?", "0.1 + 0.2"}, {"17 * 23", "17 * 23"}, {"calculate two point five percent of eighty", "two point five percent of eighty"},
                {"what is the square root of one hundred forty four", "the square root of one hundred forty four"},
                {"how much is 12 divided by 4", "12 divided by 4"}, {"what does two plus two equal", "two plus two"}}) {
            Intent i = match(c[0]);
            assertEquals("calculator", i.skill(), c[0]);
            assertEquals(c[1], i.arguments().get("expression").asText(), c[0]);
        }
    }

    @Test
    void unitConversions() {
        Intent i = match("convert five miles to kilometres");
        assertEquals("units", i.skill());
        assertEquals("5", i.arguments().get("value").asText());
        assertEquals("miles", i.arguments().get("from").asText());
        assertEquals("kilometres", i.arguments().get("to").asText());
        assertEquals("kilometers", match("the convert five miles two kilometers").arguments().get("to").asText(), "as heard from FreeTTS");
        assertEquals("1", match("how many inches are in a foot").arguments().get("value").asText());
        assertEquals("inches", match("how many inches are in a foot").arguments().get("to").asText());
        assertEquals("2.5", match("what is two point five kg in pounds").arguments().get("value").asText());
        assertEquals("-40", match("minus forty degrees celsius in fahrenheit").arguments().get("value").asText());
        assertEquals("degrees fahrenheit", match("100 degrees fahrenheit to celsius").arguments().get("from").asText());
    }

    @Test
    void lookingAndReading() {
        assertEquals("describe", match("What do you see?").arguments().get("question").asText());
        assertEquals("describe", match("what can you see right now").arguments().get("question").asText());
        assertEquals("describe", match("describe the scene").arguments().get("question").asText());
        Intent count = match("How many people do you see?");
        assertEquals("count", count.arguments().get("question").asText());
        assertEquals("people", count.arguments().get("object").asText());
        assertEquals("people", match("how many people are there").arguments().get("object").asText());
        Intent dog = match("Is there a dog?");
        assertEquals("present", dog.arguments().get("question").asText());
        assertEquals("dog", dog.arguments().get("object").asText());
        assertEquals("cars", match("do you see any cars in the picture").arguments().get("object").asText());
        for (String s : new String[] {"What does the sign say?", "read it", "Read it to me please", "what is written there", "what does it say",
                "can you read that"}) {
            assertEquals("read", match(s).skill(), s);
        }
    }

    @Test
    void helpGreetingsAndEverythingElse() {
        assertEquals(Intent.HELP, match("What can you do?").name());
        assertEquals(Intent.GREETING, match("Hello there!").name());
        none("What will the weather be like tomorrow?");
        none("Tell me a joke");
        none("what is love");
        none("is there a god");
        none("Please open the front door.");
        none("How many apples are in the basket?".replace("apples", "problems"));
        none("");
    }
}
