package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentenceSplitterTest {

    /** Feeds text in pieces of n characters, as tokens would arrive. */
    static List<String> split(String text, int n) {
        SentenceSplitter s = new SentenceSplitter();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i += n) out.addAll(s.add(text.substring(i, Math.min(text.length(), i + n))));
        out.addAll(s.flush());
        return out;
    }

    @Test
    void sentencesComeOutAsSoonAsTheyEnd() {
        SentenceSplitter s = new SentenceSplitter();
        assertEquals(List.of(), s.add("Hello there"));
        assertEquals(List.of("Hello there."), s.add(". How"));
        assertEquals(List.of(), s.add(" are you?"), "a terminator counts once the next character is known");
        assertEquals(List.of("How are you?"), s.add(" "));
        assertEquals(List.of(), s.flush());
    }

    @Test
    void abbreviationsNumbersAndInitialsDoNotSplit() {
        String text = "Dr. Smith paid 3.5 dollars, e.g. for J. R. R. Tolkien books! Then he left.\nNew line here";
        List<String> expected = List.of("Dr. Smith paid 3.5 dollars, e.g. for J. R. R. Tolkien books!", "Then he left.", "New line here");
        for (int n : new int[] {1, 2, 3, 7, 100}) assertEquals(expected, split(text, n), "chunk size " + n);
    }

    @Test
    void closingQuotesStayWithTheirSentence() {
        assertEquals(List.of("He said \"stop.\"", "Then went."), split("He said \"stop.\" Then went.", 4));
    }

    @Test
    void aLongFirstSentenceIsSpokenFromItsFirstClause() {
        SentenceSplitter s = new SentenceSplitter(4);
        List<String> out = new ArrayList<>();
        for (String t : "Today looks sunny and warm, with light wind, from the west. Then rain, later, maybe.".split("(?<= )")) out.addAll(s.add(t));
        out.addAll(s.flush());
        // only the first piece may be a clause, and only once it holds four words; numbers keep their commas
        assertEquals(List.of("Today looks sunny and warm,", "with light wind, from the west.", "Then rain, later, maybe."), out);
        SentenceSplitter short_ = new SentenceSplitter(4);
        assertEquals(List.of(), short_.add("Yes, about 1,000"), "no cut before four words; 1,000 is a number");
        assertEquals(List.of("Yes, about 1,000 of them,"), short_.add(" of them, I think"));
    }
}
