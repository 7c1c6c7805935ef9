package perception.speech;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts streamed text (an LLM's deltas) into sentences as soon as each one is complete, so speech
 * synthesis can start on the first sentence while the rest is still being generated. A sentence
 * ends at . ! ? or a line break followed by whitespace — not after common abbreviations ("Dr.",
 * "e.g.") or inside numbers ("3.5"). With {@code firstClauseWords > 0} the first piece may end sooner, at
 * a comma, semicolon or colon followed by whitespace once it holds that many words, so a long first
 * sentence starts being spoken at its first clause. Not thread-safe: one per stream.
 */
public final class SentenceSplitter {
    private static final Set<String> ABBREVIATIONS = Set.of("mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st",
            "vs", "etc", "e.g", "i.e", "approx", "no", "fig", "mt", "inc", "ltd", "co");

    private final StringBuilder pending = new StringBuilder();
    private final int firstClauseWords;
    private boolean emitted;

    /** Sentences only. */
    public SentenceSplitter() {
        this(0);
    }

    /** The first piece may be a clause of at least {@code firstClauseWords} words (0: sentences only). */
    public SentenceSplitter(int firstClauseWords) {
        this.firstClauseWords = firstClauseWords;
    }

    /** Adds text; returns the sentences it completed, in order (often none). */
    public List<String> add(String text) {
        pending.append(text);
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            char c = pending.charAt(i);
            boolean lineBreak = c == '\n';
            boolean clause = (c == ',' || c == ';' || c == ':') && !emitted && out.isEmpty() && firstClauseWords > 0;
            if (clause) {
                if (i + 1 >= pending.length()) break;
                if (Character.isWhitespace(pending.charAt(i + 1)) && words(pending, start, i) >= firstClauseWords) {
                    out.add(pending.substring(start, i + 1).strip());
                    start = i + 1;
                }
                continue;
            }
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
        if (!out.isEmpty()) emitted = true;
        return out;
    }

    private static int words(CharSequence s, int from, int to) {
        int n = 0;
        boolean in = false;
        for (int i = from; i < to; i++) {
            boolean space = Character.isWhitespace(s.charAt(i));
            if (!space && !in) n++;
            in = !space;
        }
        return n;
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
