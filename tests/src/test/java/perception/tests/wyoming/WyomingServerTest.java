package perception.tests.wyoming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.speech.Audio;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechFixtures;
import perception.tests.wyoming.WyomingClient.Event;

/**
 * The Wyoming server end to end: a real gateway, real models, an independent client on a real TCP
 * socket. Speech in (22,050 Hz stereo in 1,024-byte chunks, and 48 kHz 24-bit), speech out and
 * back through the recogniser, voice activity, intents, and malformed frames that must close only
 * their own connection.
 */
class WyomingServerTest {
    static TestGateway gateway;
    static List<String> sentences;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("analyzers", "", "llm_backend", "none", "wyoming_port", "0");
        sentences = SpeechFixtures.sentences();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static WyomingClient client() throws IOException {
        return new WyomingClient(gateway.gateway().wyomingPort());
    }

    /** FreeTTS speech at {@code rate}, the same samples in both channels of 16-bit stereo. */
    static byte[] stereo(String text, int rate) {
        byte[] mono = SpeechFixtures.speak(text, rate);
        byte[] out = new byte[mono.length * 2];
        for (int i = 0; i < mono.length; i += 2) {
            out[2 * i] = mono[i];
            out[2 * i + 1] = mono[i + 1];
            out[2 * i + 2] = mono[i];
            out[2 * i + 3] = mono[i + 1];
        }
        return out;
    }

    static <T> List<T> parallel(int n, int threads, java.util.function.IntFunction<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                fs.add(pool.submit(() -> work.apply(k)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void describeListsSpeechVoiceAndAssistant() throws Exception {
        try (WyomingClient c = client()) {
            c.sendInline("describe", new JsonObject()); // data in the header line, as older clients send it
            JsonObject info = c.await("info").data();
            JsonObject asr = info.getJsonArray("asr").getJsonObject(0);
            assertEquals("vosk", asr.getString("name"));
            assertTrue(asr.getBoolean("installed"));
            assertNotNull(asr.getString("version"));
            assertNotNull(asr.getJsonObject("attribution").getString("url"));
            JsonObject model = asr.getJsonArray("models").getJsonObject(0);
            assertEquals("vosk-en", model.getString("name"));
            assertEquals("en", model.getJsonArray("languages").getString(0));
            assertTrue(model.getBoolean("installed"));
            // Piper first (the default voice), FreeTTS kevin16 next
            JsonObject piper = info.getJsonArray("tts").getJsonObject(0);
            assertEquals("piper", piper.getString("name"));
            assertEquals("en_US-joe-medium", piper.getJsonArray("voices").getJsonObject(0).getString("name"));
            assertTrue(piper.getJsonArray("voices").getJsonObject(0).getBoolean("installed"));
            JsonObject tts = info.getJsonArray("tts").getJsonObject(1);
            JsonObject voice = tts.getJsonArray("voices").getJsonObject(0);
            assertEquals("kevin16", voice.getString("name"));
            assertEquals("en_US", voice.getJsonArray("languages").getString(0));
            assertTrue(voice.getBoolean("installed"));
            JsonObject handle = info.getJsonArray("handle").getJsonObject(0);
            assertTrue(handle.getBoolean("installed"));
            assertEquals("en", handle.getJsonArray("models").getJsonObject(0).getJsonArray("languages").getString(0));
            assertTrue(info.getJsonArray("intent").isEmpty(), "no intent recogniser is offered: " + info.encode());
            // the connection stays usable
            c.send("ping", new JsonObject().put("text", "still there?"));
            assertEquals("still there?", c.await("pong").text());
        }
    }

    @Test
    void spokenSentencesAt22kStereoIn1024ByteChunksAreTranscribed() throws Exception {
        List<Event> transcripts = new ArrayList<>();
        List<List<Event>> all = parallel(sentences.size(), 3, i -> {
            try (WyomingClient c = client()) {
                c.transcribe(stereo(sentences.get(i), 22050), 22050, 2, 2, 1024);
                c.await("transcript-stop");
                return c.received();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        int errors = 0, words = 0;
        for (int i = 0; i < sentences.size(); i++) {
            List<Event> events = all.get(i);
            List<String> types = events.stream().map(Event::type).toList();
            assertEquals("transcript-start", types.get(0), types.toString());
            assertTrue(types.indexOf("transcript") < types.indexOf("transcript-stop"), types.toString());
            Event transcript = events.get(types.indexOf("transcript"));
            transcripts.add(transcript);
            String chunks = events.stream().filter(e -> e.type().equals("transcript-chunk")).map(Event::text).reduce("", String::concat);
            assertEquals(transcript.text(), chunks, "the streamed chunks add up to the transcript");
            errors += WordErrorRate.errors(sentences.get(i), transcript.text());
            words += WordErrorRate.words(sentences.get(i)).size();
        }
        double wer = errors / (double) words;
        assertTrue(wer <= 0.10, "WER " + wer + ": " + transcripts.stream().map(Event::text).toList());
    }

    @Test
    void audioOfOtherWidthsAndRatesIsConverted() throws Exception {
        String sentence = sentences.get(1);
        float[] samples = Audio.fromPcm16le(SpeechFixtures.speak(sentence, 48000), 48000).samples();
        byte[] pcm24 = new byte[samples.length * 3];
        for (int i = 0; i < samples.length; i++) {
            int v = Math.max(-8388608, Math.min(8388607, Math.round(samples[i] * 8388608f)));
            pcm24[3 * i] = (byte) v;
            pcm24[3 * i + 1] = (byte) (v >> 8);
            pcm24[3 * i + 2] = (byte) (v >> 16);
        }
        try (WyomingClient c = client()) {
            String heard = c.transcribe(pcm24, 48000, 3, 1, 3 * 1024).text();
            assertTrue(WordErrorRate.of(sentence, heard) <= 0.15, "heard: " + heard);
        }
    }

    @Test
    void synthesizedSpeechIsTranscribedBackToTheSameWords() throws Exception {
        String text = sentences.get(0);
        byte[] pcm;
        JsonObject format;
        try (WyomingClient c = client()) {
            c.send("synthesize", new JsonObject().put("text", text).put("voice", new JsonObject().put("name", "kevin16")));
            format = c.await("audio-start").data();
            c.await("audio-stop");
            pcm = c.audio();
            List<Event> chunks = c.received().stream().filter(e -> e.type().equals("audio-chunk")).toList();
            assertTrue(chunks.size() > 10, "audio comes in many chunks: " + chunks.size());
            chunks.forEach(e -> assertTrue(e.payload().length <= 2048, "1,024 samples per chunk at most"));
            chunks.forEach(e -> assertEquals(format.getInteger("rate"), e.data().getInteger("rate")));
        }
        assertEquals(16000, format.getInteger("rate"), "kevin16's own rate");
        assertEquals(2, format.getInteger("width"));
        assertEquals(1, format.getInteger("channels"));
        try (WyomingClient c = client()) {
            String heard = c.transcribe(pcm, 16000, 2, 1, 2048).text();
            assertTrue(WordErrorRate.of(text, heard) <= 0.10, "said '" + text + "', heard '" + heard + "'");
        }
    }

    @Test
    void streamedTextIsSpokenSentenceBySentence() throws Exception {
        String first = "The train to Boston leaves at seven in the evening.";
        String second = "My favorite color is green and my sister likes blue.";
        byte[] pcm;
        try (WyomingClient c = client()) {
            c.send("synthesize-start", new JsonObject().put("voice", new JsonObject().put("name", "kevin16")));
            c.send("synthesize-chunk", new JsonObject().put("text", "The train to Boston "));
            c.send("synthesize-chunk", new JsonObject().put("text", "leaves at seven in the evening. My favorite"));
            c.send("synthesize-chunk", new JsonObject().put("text", " color is green and my sister likes blue."));
            c.send("synthesize", new JsonObject().put("text", first + " " + second)); // the compatibility copy: not spoken again
            c.send("synthesize-stop", null);
            c.await("synthesize-stopped");
            assertEquals(2, c.types().stream().filter("audio-start"::equals).count(), c.types().toString());
            assertEquals(2, c.types().stream().filter("audio-stop"::equals).count(), c.types().toString());
            pcm = c.audio();
        }
        try (WyomingClient c = client()) {
            String heard = c.transcribe(pcm, 16000, 2, 1, 2048).text();
            assertTrue(WordErrorRate.of(first + " " + second, heard) <= 0.10, "heard '" + heard + "'");
        }
    }

    @Test
    void voiceActivityIsReportedWhileAudioStreams() throws Exception {
        float[] speech = Audio.fromPcm16le(SpeechFixtures.speak(sentences.get(3), 16000), 16000).samples();
        float[] audio = new float[16000 + speech.length + 24000];
        System.arraycopy(speech, 0, audio, 16000, speech.length);
        byte[] pcm = new Audio(audio, 16000).toPcm16le();
        long speechEndMs = (16000 + speech.length) / 16;
        try (WyomingClient c = client()) {
            c.send("audio-start", WyomingClient.format(16000, 2, 1));
            c.sendAudio(pcm, 16000, 2, 1, 2048);
            Event started = c.await("voice-started");
            Event stopped = c.await("voice-stopped");
            long at = started.data().getLong("timestamp");
            assertTrue(at >= 700 && at <= 1400, "speech starts at 1000 ms; voice-started says " + at);
            long end = stopped.data().getLong("timestamp");
            assertTrue(end >= speechEndMs && end <= speechEndMs + 1500, "speech ends at " + speechEndMs + " ms; voice-stopped says " + end);
            c.send("audio-stop", null);
            c.send("describe", null);
            c.await("info"); // the stream ended cleanly and the connection goes on
        }
    }

    @Test
    void intentRequestsAreAnsweredHonestly() throws Exception {
        try (WyomingClient c = client()) {
            c.send("recognize", new JsonObject().put("text", "turn on the kitchen lights"));
            Event e = c.read();
            assertEquals("not-recognized", e.type());
            assertTrue(e.text().contains("transcript"), e.text());
        }
    }

    @Test
    void anUnknownVoiceIsAnErrorThatEndsTheRequest() throws Exception {
        try (WyomingClient c = client()) {
            c.send("synthesize", new JsonObject().put("text", "hello").put("voice", new JsonObject().put("name", "en_US-lessac-medium")));
            Event e = c.read();
            assertEquals("error", e.type());
            assertTrue(e.text().contains("kevin16"), e.text());
            assertNull(c.read(), "the server closes after the error");
        }
    }

    @Test
    void tooMuchAudioInOneStreamIsRefused() throws Exception {
        byte[] silence = new byte[8000 * 10]; // 10 s of 8 kHz 8-bit silence per event
        try (WyomingClient c = client()) {
            c.send("transcribe", null);
            c.send("audio-start", WyomingClient.format(8000, 1, 1));
            for (int i = 0; i < 13; i++) c.send("audio-chunk", WyomingClient.format(8000, 1, 1), silence); // 130 s
            Event e = c.await("error");
            assertEquals("audio_too_long", e.data().getString("code"), e.data().encode());
            assertNull(c.read());
        }
    }

    /** Many clients at once, half of them vanishing mid-stream: every connection and speech session is freed. */
    @Test
    void clientsThatVanishMidStreamLeaveNothingBehind() throws Exception {
        byte[] audio = SpeechFixtures.speak(sentences.get(5), 16000);
        List<String> answers = parallel(20, 10, i -> {
            try (WyomingClient c = client()) {
                if (i % 2 == 0) {
                    c.send("describe", null);
                    return c.await("info").type();
                }
                c.send("transcribe", null);
                c.send("audio-start", WyomingClient.format(16000, 2, 1));
                c.sendAudio(java.util.Arrays.copyOf(audio, audio.length / 2 / 2 * 2), 16000, 2, 1, 2048);
                return "vanished"; // closed without audio-stop
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(10, answers.stream().filter("info"::equals).count());
        var metrics = new perception.tests.speech.SpeechClient(gateway.port());
        String m = "";
        for (long end = System.currentTimeMillis() + 20_000; System.currentTimeMillis() < end; Thread.sleep(200)) {
            m = metrics.metrics();
            if (gauge(m, "perception_wyoming_connections") == 0 && gauge(m, "perception_speech_sessions") == 0) return;
        }
        throw new AssertionError("connections " + gauge(m, "perception_wyoming_connections") + ", recognition sessions "
                + gauge(m, "perception_speech_sessions") + " still open 20 s after every client left");
    }

    static double gauge(String metrics, String name) {
        return metrics.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in /metrics"));
    }

    /** A client in the middle of a transcription; the malformed ones must not disturb it. */
    @Test
    void malformedFramesGetAnErrorAndACloseWhileOthersCarryOn() throws Exception {
        String sentence = sentences.get(4);
        byte[] pcm = stereo(sentence, 22050);
        try (WyomingClient good = client()) {
            good.send("transcribe", new JsonObject().put("language", "en"));
            good.send("audio-start", WyomingClient.format(22050, 2, 2));
            good.sendAudio(java.util.Arrays.copyOfRange(pcm, 0, pcm.length / 2 / 4 * 4), 22050, 2, 2, 1024);

            assertMalformed("{\"type\":\"audio-chunk\",\"data\":{\"rate\":16000,\"width\":2,\"channels\":1},\"payload_length\":1000000000000}\n"
                    .getBytes(StandardCharsets.UTF_8), "payload_too_long");
            assertMalformed("{\"type\": \"describe\",, }\n".getBytes(StandardCharsets.UTF_8), "invalid_header");
            assertMalformed(SpeechFixtures.speak("binary where a header belongs", 16000), "invalid_header");
            byte[] longHeader = ("{\"type\":\"" + "a".repeat(70_000)).getBytes(StandardCharsets.UTF_8);
            assertMalformed(longHeader, "header_too_long");
            try (WyomingClient c = client()) { // bad data after a good header
                c.sendRaw("{\"type\":\"synthesize\",\"data_length\":5}\nnope!".getBytes(StandardCharsets.UTF_8));
                assertEquals("invalid_data", c.await("error").data().getString("code"));
                assertNull(c.read());
            }

            good.sendAudio(java.util.Arrays.copyOfRange(pcm, pcm.length / 2 / 4 * 4, pcm.length), 22050, 2, 2, 1024);
            good.send("audio-stop", null);
            String heard = good.await("transcript").text();
            assertTrue(WordErrorRate.of(sentence, heard) <= 0.15, "the well-behaved client still hears '" + heard + "'");
        }
    }

    static void assertMalformed(byte[] frame, String code) throws Exception {
        try (WyomingClient c = client()) {
            c.send("describe", null);
            c.await("info");
            c.sendRaw(frame);
            Event e = c.await("error");
            assertEquals(code, e.data().getString("code"), e.data().encode());
            assertNotNull(e.text());
            assertNull(c.read(), "the server closes the connection after the error");
        }
    }
}
