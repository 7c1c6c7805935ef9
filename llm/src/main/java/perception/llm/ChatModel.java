package perception.llm;

/**
 * The one chat-model interface: embedded ONNX models and remote OpenAI-compatible servers both
 * implement it. {@link #chat} blocks the calling thread (run it on a worker pool), pushes text to
 * the listener as it is generated, stops between tokens once cancelled, and returns how it ended.
 * Implementations are thread-safe: concurrent chats each get their own state.
 */
public interface ChatModel extends AutoCloseable {

    /** Name shown in /v1/models and sent back as "model". */
    String id();

    /** Whether image parts are fed to the model itself (a VLM); otherwise callers describe them in text. */
    boolean acceptsImages();

    /** Context length in tokens, or 0 when unknown (remote). */
    int contextLength();

    /** Token count of a text, as this model tokenizes it (an estimate for remote models). */
    int countTokens(String text);

    ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation);

    @Override
    void close();
}
