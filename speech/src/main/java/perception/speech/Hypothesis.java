package perception.speech;

/**
 * What a {@link TranscriptionSession} knows after a chunk of audio: either a partial text that may
 * still change, or a final {@link Utterance} (an endpoint was reached; the next audio starts anew).
 */
public sealed interface Hypothesis {

    record Partial(String text) implements Hypothesis {
    }

    record Final(Utterance utterance) implements Hypothesis {
    }
}
