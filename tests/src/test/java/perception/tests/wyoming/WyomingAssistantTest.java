package perception.tests.wyoming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;
import perception.tests.realtime.SpokenTestModel;
import perception.tests.speech.SpeechFixtures;
import perception.tests.wyoming.WyomingClient.Event;

/**
 * The conversation side of the Wyoming server, with the embedded test LLM (a real ONNX decoder
 * that always answers {@link SpokenTestModel#ANSWER}): a transcript is handled by the assistant
 * behind LlmFeature.GENERATE, and Home Assistant's whole voice pipeline — speech to text, conversation,
 * text to speech — runs over three Wyoming connections.
 */
class WyomingAssistantTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path model = SpokenTestModel.write(Files.createTempDirectory("spoken-llm"));
        gateway = TestGateway.start("analyzers", "", "llm_backend", "embedded", "llm_model_dir", model.toString(), "wyoming_port", "0");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static WyomingClient client() throws Exception {
        return new WyomingClient(gateway.gateway().wyomingPort());
    }

    @Test
    void aTranscriptIsHandledByTheAssistantAndKeepsItsContext() throws Exception {
        try (WyomingClient c = client()) {
            JsonObject context = new JsonObject().put("conversation_id", "01JTESTCONVERSATION");
            c.send("transcript", new JsonObject().put("text", "What will the weather be like tomorrow?").put("context", context).put("language", "en"));
            Event e = c.read();
            assertEquals("handled", e.type(), e.data().encode());
            assertEquals(SpokenTestModel.ANSWER, e.text());
            assertEquals(context, e.data().getJsonObject("context"));
            c.send("transcript", new JsonObject().put("text", "   "));
            assertEquals("not-handled", c.read().type(), "nothing to handle");
        }
    }

    @Test
    void homeAssistantsVoicePipelineRunsOverWyoming() throws Exception {
        String question;
        try (WyomingClient stt = client()) {
            question = stt.transcribe(SpeechFixtures.speak("What will the weather be like tomorrow?", 16000), 16000, 2, 1, 2048).text();
        }
        assertTrue(WordErrorRate.of("what will the weather be like tomorrow", question) <= 0.2, "heard '" + question + "'");
        String answer;
        try (WyomingClient conversation = client()) {
            conversation.send("transcript", new JsonObject().put("text", question));
            answer = conversation.await("handled").text();
        }
        assertEquals(SpokenTestModel.ANSWER, answer);
        byte[] spoken;
        int rate;
        try (WyomingClient tts = client()) {
            tts.send("synthesize", new JsonObject().put("text", answer));
            // the default voice's own rate (Piper medium: 22,050 Hz), as wyoming-piper sends it
            rate = tts.await("audio-start").data().getInteger("rate");
            tts.await("audio-stop");
            spoken = tts.audio();
        }
        try (WyomingClient stt = client()) {
            String heard = stt.transcribe(spoken, rate, 2, 1, 2048).text();
            assertTrue(WordErrorRate.of(SpokenTestModel.ANSWER, heard) <= 0.25, "the answer spoken and heard back (the bound of the realtime test): '" + heard + "'");
        }
    }
}
