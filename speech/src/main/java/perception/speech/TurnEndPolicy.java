package perception.speech;

import java.util.Locale;
import java.util.Set;

/**
 * How long a silence ends a turn, from the words said so far — a simple, explainable stand-in for
 * a turn-taking model. A turn that already sounds finished (a question or a command of two or more
 * words) ends after {@code completeMs}; one whose last
 * word leaves it hanging ("and", "so", "um", "because", "the", "to", "in", ...) after
 * {@code unfinishedMs}; a sentence of {@link #SENTENCE_WORDS} or more words that ends on a content
 * word two thirds of the way from {@code completeMs} to {@code otherMs}; anything else (a short phrase:
 * "my brother told me", "the car needs") after {@code otherMs}. The recogniser gives no
 * punctuation, so "finished" is judged from the first and last words and the length only. The
 * sentence rule is there for questions the recogniser mishears ("where is the nearest train
 * station" → "whereas the nearest brain station"): their first word no longer says question, but
 * a long run of words that ends on a noun is seldom cut off mid-thought.
 */
public record TurnEndPolicy(int completeMs, int otherMs, int unfinishedMs) {

    /** What the words so far sound like. */
    public enum Kind { COMPLETE, SENTENCE, OTHER, UNFINISHED }

    /** Words in a sentence long enough to be likely complete even when it is not a question or command. */
    static final int SENTENCE_WORDS = 5;

    /** Words after which a speaker is still going: conjunctions, fillers, articles, prepositions, auxiliaries. */
    static final Set<String> HANGING = Set.of("and", "or", "but", "so", "because", "cause", "um", "uh", "er", "erm", "hmm", "mm", "like",
            "the", "a", "an", "to", "of", "in", "on", "at", "for", "with", "about", "from", "into", "by", "than", "then", "if", "when",
            "while", "that", "which", "whether", "my", "your", "his", "her", "their", "our", "this", "these", "those", "some", "any",
            "is", "are", "was", "were", "be", "am", "do", "does", "did", "can", "could", "will", "would", "should", "have", "has", "had",
            "i", "we", "they", "he", "she", "what", "where", "how", "why", "who", "also", "just", "well", "actually", "maybe", "very",
            "i'm", "you're", "we're", "they're", "he's", "she's", "it's", "there's", "i'd", "i'll", "we'll", "you'll", "they'll",
            "i've", "we've", "you've", "they've");
    /** First words of a question. */
    static final Set<String> QUESTION = Set.of("what", "what's", "where", "where's", "when", "who", "who's", "whom", "whose", "why",
            "how", "how's", "which", "is", "are", "am", "was", "were", "do", "does", "did", "can", "could", "will", "would", "should",
            "shall", "may", "might", "have", "has", "isn't", "aren't", "don't", "doesn't", "didn't", "can't", "won't");
    /** First words of a command. */
    static final Set<String> COMMAND = Set.of("please", "tell", "turn", "switch", "open", "close", "set", "play", "stop", "start",
            "show", "give", "call", "send", "read", "find", "search", "add", "remind", "remove", "cancel", "check", "book", "order",
            "lock", "unlock", "pause", "resume", "describe", "explain", "help", "let's", "make", "put", "take", "repeat", "translate");

    public TurnEndPolicy {
        if (completeMs < 0 || completeMs > otherMs || otherMs > unfinishedMs) {
            throw new IllegalArgumentException("silence windows must satisfy 0 ≤ complete ≤ other ≤ unfinished, got "
                    + completeMs + ", " + otherMs + ", " + unfinishedMs);
        }
    }

    /** One window whatever was said (plain server VAD). */
    public static TurnEndPolicy fixed(int silenceMs) {
        return new TurnEndPolicy(silenceMs, silenceMs, silenceMs);
    }

    public static Kind judge(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z' ]", " ").trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) return Kind.OTHER;
        String first = words[0], last = words[words.length - 1];
        if (HANGING.contains(last)) return Kind.UNFINISHED;
        // one word ("stop.", "so,") is often the start of more ("Stop. Tell me a joke instead."): wait as after a hanging word
        if (words.length == 1) return Kind.UNFINISHED;
        if (QUESTION.contains(first) || COMMAND.contains(first)) return Kind.COMPLETE;
        return words.length >= SENTENCE_WORDS ? Kind.SENTENCE : Kind.OTHER;
    }

    /** The silence that ends a turn whose words so far are {@code text}. */
    public int silenceMs(String text) {
        return switch (judge(text)) {
            case COMPLETE -> completeMs;
            case SENTENCE -> otherMs - (otherMs - completeMs) / 3;
            case OTHER -> otherMs;
            case UNFINISHED -> unfinishedMs;
        };
    }
}
