package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.ChatResult.FinishReason;
import perception.llm.LlmException;
import perception.llm.Sampling;
import perception.llm.onnx.testmodel.TestModelFolder;

/** The whole chat path (template, tokenizer, loop, streaming, stops, cancellation) on the tiny text model. */
class EmbeddedChatTest {
    @TempDir
    static Path dir;
    static EmbeddedChatModel model;

    @BeforeAll
    static void load() throws Exception {
        model = EmbeddedChatModel.load(TestModelFolder.write(dir.resolve("m"), TestModelFolder.Kind.TEXT_CHECKSUM), new EmbeddedChatModel.Options(1, true));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ChatRequest ask(String text, Integer max, List<String> stop) {
        return new ChatRequest(List.of(ChatMessage.text(Role.USER, text)), Sampling.GREEDY, stop, max);
    }

    @Test
    void answerIsTheKnownGreedyTextAndStreamsExactly() {
        String prompt = model.template().render(List.of(ChatMessage.text(Role.USER, "hello")), true, false);
        long[] ids = model.tokenizer().encode(prompt);
        StringBuilder want = new StringBuilder();
        for (long t : TinyModelTest.reference(ids, 8)) want.append((char) t);
        List<String> pieces = new ArrayList<>();
        ChatResult r = model.chat(ask("hello", 8, List.of()), pieces::add, new Cancellation());
        assertEquals(want.toString(), r.text());
        assertEquals(r.text(), String.join("", pieces));
        assertEquals(FinishReason.LENGTH, r.finishReason());
        assertEquals(ids.length, r.promptTokens());
        assertEquals(8, r.completionTokens());
        assertTrue(r.firstTokenMillis() > 0 && r.totalMillis() >= r.firstTokenMillis());
    }

    @Test
    void stopStringAcrossTokensEndsTheAnswer() {
        String full = model.chat(ask("hello", 8, List.of()), t -> { }, new Cancellation()).text();
        String stop = full.substring(3, 5); // two tokens
        ChatResult r = model.chat(ask("hello", 8, List.of(stop)), t -> { }, new Cancellation());
        assertEquals(full.substring(0, full.indexOf(stop)), r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
    }

    @Test
    void cancellationStopsWithinOneToken() {
        Cancellation c = new Cancellation();
        List<String> pieces = new ArrayList<>();
        ChatResult r = model.chat(ask("hello", 200, List.of()), t -> {
            pieces.add(t);
            if (pieces.size() == 3) c.cancel();
        }, c);
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertEquals(3, r.completionTokens());
        assertEquals(3, pieces.size());
    }

    @Test
    void contextGuardRefusesTooLongPrompts() {
        LlmException e = assertThrows(LlmException.class, () -> model.chat(ask("x".repeat(3000), 5, List.of()), t -> { }, new Cancellation()));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("context of 2048"), e.getMessage());
    }

    @Test
    void maxTokensIsClippedToTheContext() {
        ChatResult r = model.chat(ask("y".repeat(1900), 500, List.of()), t -> { }, new Cancellation());
        assertEquals(2048, r.promptTokens() + r.completionTokens());
        assertEquals(FinishReason.LENGTH, r.finishReason());
    }

    @Test
    void tokenizerRoundTripsUnicodeOffline() {
        String text = "Grüße, 世界! <|im_end|>";
        long[] ids = model.tokenizer().encode(text);
        assertEquals(258, ids[ids.length - 1]);
        assertEquals(text, model.tokenizer().decode(ids, false));
        assertEquals("Grüße, 世界! ", model.tokenizer().decode(ids, true));
        TextStreamer s = new TextStreamer(model.tokenizer());
        StringBuilder b = new StringBuilder();
        for (long id : model.tokenizer().encode("Grüße, 世界!")) b.append(s.push(id));
        assertEquals("Grüße, 世界!", b.toString());
    }
}
