package perception.llm;

/** Receives generated text as it is made (one or more tokens' worth; never splits a character). */
@FunctionalInterface
public interface TokenListener {
    void onText(String text);

    TokenListener NONE = text -> { };
}
