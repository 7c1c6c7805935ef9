package perception.tests.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;

/**
 * Without the Piper voice the gateway still speaks, with FreeTTS: a real gateway on a models folder
 * that has everything but the voice (links to the fetched models), one start-up line naming what is
 * missing and the command that installs it, and /v1/audio/speech answered by kevin16.
 */
class PiperFallbackTest {

    @Test
    void withoutTheVoiceFreeTtsSpeaksAndOneLineSaysHowToInstallIt() throws Exception {
        Path models = Files.createTempDirectory("models-no-piper");
        for (String dir : List.of("vosk-en", "silero-vad", "freetts")) {
            Path real = TestGateway.modelsDir().resolve(dir).toAbsolutePath();
            if (Files.exists(real)) Files.createSymbolicLink(models.resolve(dir), real);
        }
        Logger log = (Logger) LoggerFactory.getLogger("perception.gateway.speech.SpeechVerticle");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "none", "models_dir", models.toString())) {
            List<String> piperLines = lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("Piper")).toList();
            assertEquals(1, piperLines.size(), "one start-up line: " + piperLines);
            assertTrue(piperLines.get(0).contains("en_US-joe-medium") && piperLines.get(0).contains("./run-gateway models fetch en_US-joe-medium")
                    && piperLines.get(0).contains("FreeTTS"), piperLines.get(0));
            SpeechClient client = new SpeechClient(gw.port());
            HttpResponse<byte[]> wav = client.speech(new JsonObject().put("model", "tts-1").put("voice", "alloy")
                    .put("input", "Open the door and turn on the lights in the kitchen.").put("response_format", "wav").encode());
            assertEquals(200, wav.statusCode());
            assertEquals("kevin16", wav.headers().firstValue("x-voice").orElse(""), "alloy falls back to FreeTTS");
            String heard = new JsonObject(client.transcribe(wav.body()).body()).getString("text");
            assertTrue(WordErrorRate.of("Open the door and turn on the lights in the kitchen.", heard) <= 0.3, heard);
            // the Piper voice by name is refused with the voices there are
            HttpResponse<byte[]> joe = client.speech(new JsonObject().put("input", "Hi.").put("voice", "en_US-joe-medium").encode());
            assertEquals(400, joe.statusCode());
            assertTrue(new String(joe.body()).contains("kevin16"), new String(joe.body()));
        } finally {
            log.detachAppender(lines);
        }
    }
}
