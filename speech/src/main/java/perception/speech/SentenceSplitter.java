package perception.speech;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts streamed text (an LLM's deltas) into sentences as soon as each one is complete, so speech
 * synthesis can start on the first sentence while the rest is still being generated. A sentence
 * ends at . ! ? or a line break followed by whitespace — not after common abbreviations ("Dr.",
 * "e.g.") or inside numbers ("3.5"). Not thread-safe: one per stream.
 */
public final class SentenceSplitter {
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st",
            "vs", "etc", "e.g", "i.e", "approx", "no", "fig", "mt", "inc", "ltd", "co");

    private final StringBuilder pending = new StringBuilder();

    /** Adds text; returns the sentences it completed, in order (often none). */
    public List<String> add(String text) {
        pending.append(text);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            char c = pending.charAt(i);
            boolean lineBreak = c == '\n';
            if (!lineBreak && c != '.' && c != '!' && c != '?') continue;
            // a terminator only counts once we see what follows it
            int next = i + 1;
            while (next < pending.length() && "\"')]".indexOf(pending.charAt(next)) >= 0) next++;
            if (next >= pending.length()) break;
            if (!lineBreak && !Character.isWhitespace(pending.charAt(next))) continue;
            if (c == '.' && isAbbreviation(pending, start, i)) continue;
            String sentence = pending.substring(start, next).strip();
            if (!sentence.isEmpty()) out.add(sentence);
            start = next;
        }
        pending.delete(0, start);
        return out;
    }

    /** Ends the stream: whatever is left, as a last sentence (empty list if only whitespace). */
    public List<String> flush() {
        String rest = pending.toString().strip();
        pending.setLength(0);
        return rest.isEmpty() ? List.of() : List.of(rest);
    }

    private static boolean isAbbreviation(CharSequence s, int sentenceStart, int dot) {
        int w = dot;
        while (w > sentenceStart && !Character.isWhitespace(s.charAt(w - 1))) w--;
        String word = s.subSequence(w, dot).toString().toLowerCase(Locale.ROOT);
        if (word.isEmpty()) return false;
        // single initials ("J. Smith") and known abbreviations do not end a sentence
        return (word.length() == 1 && Character.isLetter(word.charAt(0)) && Character.isUpperCase(s.charAt(w)))
                || ABBREVIATIONS.contains(word);
    }
}
