package perception.speech;

import java.util.List;

/**
 * A final recognition result: the text of one stretch of speech between endpoints, with its
 * words. Times are seconds from the start of the session; start/end are NaN when there are no words.
 */
public record Utterance(String text, List<Word> words) {

    public Utterance {
        words = List.copyOf(words);
    }

    public boolean isEmpty() {
        return text.isBlank();
    }

    public double start() {
        return words.isEmpty() ? Double.NaN : words.get(0).start();
    }

    public double end() {
        return words.isEmpty() ? Double.NaN : words.get(words.size() - 1).end();
    }
}
