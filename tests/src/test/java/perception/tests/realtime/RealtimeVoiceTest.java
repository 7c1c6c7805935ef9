package perception.tests.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.speech.Audio;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;

/**
 * /v1/realtime end to end over a real WebSocket: spoken audio (FreeTTS, paced in real time with
 * silence around it) in, server VAD, transcript, the embedded test LLM's answer spoken back — and
 * barge-in, text items, images, parallel sessions and garbage.
 */
class RealtimeVoiceTest {
    static final String QUESTION = "What will the weather be like tomorrow?";
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        Path model = SpokenTestModel.write(Files.createTempDirectory("spoken-llm"));
        gateway = TestGateway.start("analyzers", "objects", "llm_backend", "embedded", "llm_model_dir", model.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    /** FreeTTS speech at 16 kHz with silence before and after. */
    static float[] utterance(String text, double before, double after) {
        float[] speech = Audio.fromPcm16le(SpeechFixtures.speak(text, 16000), 16000).samples();
        float[] out = new float[(int) (before * 16000) + speech.length + (int) (after * 16000)];
        System.arraycopy(speech, 0, out, (int) (before * 16000), speech.length);
        return out;
    }

    static boolean type(JsonObject e, String type) {
        return type.equals(e.getString("type"));
    }

    /** What the gateway's own recogniser hears in 24 kHz PCM16. */
    static String hear(byte[] pcm24k) throws Exception {
        var r = new SpeechClient(gateway.port()).transcribe(SpeechClient.wav(pcm24k, 24000));
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getString("text");
    }

    @Test
    void spokenQuestionGetsASpokenAnswerWithEventsInOrder() throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            c.await("session.created", 5000);
            c.speak(utterance(QUESTION, 0.6, 1.5));
            JsonObject done = c.await("response.done", 60_000);
            JsonObject response = done.getJsonObject("response");
            assertEquals("completed", response.getString("status"), done.encode());

            List<String> order = c.types().stream().filter(t -> List.of("input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped",
                    "input_audio_buffer.committed", "conversation.item.created", "conversation.item.input_audio_transcription.completed",
                    "response.created", "response.output_audio_transcript.delta", "response.output_audio.delta", "response.done").contains(t))
                    .distinct().toList();
            assertEquals(List.of("input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed",
                    "conversation.item.created", "conversation.item.input_audio_transcription.completed", "response.created",
                    "response.output_audio_transcript.delta", "response.output_audio.delta", "response.done"), order);
            int firstDelta = c.types().indexOf("conversation.item.input_audio_transcription.delta");
            assertTrue(firstDelta >= 0, "no transcript delta at all: " + c.types());
            assertTrue(firstDelta < c.types().indexOf("input_audio_buffer.speech_stopped"),
                    "transcript deltas arrive while the user speaks: " + c.types());

            String transcript = c.events.stream().filter(e -> type(e, "conversation.item.input_audio_transcription.completed"))
                    .findFirst().orElseThrow().getString("transcript");
            assertTrue(WordErrorRate.of(QUESTION, transcript) <= 0.25, "heard: " + transcript);

            String said = c.events.stream().filter(e -> type(e, "response.output_audio_transcript.done")).findFirst().orElseThrow().getString("transcript");
            assertEquals(SpokenTestModel.ANSWER, said);
            String heard = hear(c.audioOf(response.getString("id")));
            assertTrue(WordErrorRate.of(SpokenTestModel.ANSWER, heard) <= 0.25, "the spoken answer sounds like its text; heard: " + heard);

            JsonObject latency = response.getJsonObject("latency_ms");
            assertNotNull(latency.getLong("transcript"), latency.encode());
            assertTrue(latency.getLong("first_token") >= latency.getLong("transcript"), latency.encode());
            assertTrue(latency.getLong("first_audio") >= latency.getLong("first_token"), latency.encode());
            assertTrue(response.getJsonObject("usage").getInteger("output_tokens") > 20, response.encode());
            assertLatencyExported();
        }
    }

    /** docs/api.md: per-turn latency is exported as perception_realtime_latency_seconds{stage=...} histograms. */
    private static void assertLatencyExported() throws Exception {
        String metrics = new SpeechClient(gateway.port()).metrics();
        for (String stage : List.of("transcript", "first_token", "first_audio")) {
            assertTrue(metrics.lines().anyMatch(l -> l.startsWith("perception_realtime_latency_seconds_count{") && l.contains("stage=\"" + stage + "\"")
                    && Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)) >= 1), "no " + stage + " latency in /metrics");
        }
    }

    @Test
    void speakingOverTheAnswerCancelsItAndKeepsOnlyWhatWasSent() throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            c.await("session.created", 5000);
            c.speak(utterance(QUESTION, 0.5, 0.8));
            JsonObject firstAudio = c.await("response.output_audio.delta", 30_000);
            String cancelledId = firstAudio.getString("response_id");
            c.speak(utterance("Stop. Tell me a joke instead.", 0.0, 1.5)); // over the answer, from its first audio on
            JsonObject done = c.await(e -> type(e, "response.done") && cancelledId.equals(e.getJsonObject("response").getString("id")), 30_000);
            JsonObject response = done.getJsonObject("response");
            assertEquals("cancelled", response.getString("status"), done.encode());
            assertEquals("turn_detected", response.getJsonObject("status_details").getString("reason"));

            int bargeIn = -1;
            for (int i = 0; i < c.events.size(); i++) {
                if (type(c.events.get(i), "input_audio_buffer.speech_started") && i > c.events.indexOf(firstAudio)) {
                    bargeIn = i;
                    break;
                }
            }
            assertTrue(bargeIn > 0, c.types().toString());
            for (JsonObject e : c.events.subList(bargeIn, c.events.size())) {
                if (type(e, "response.output_audio.delta")) {
                    assertTrue(!cancelledId.equals(e.getString("response_id")), "no audio of the cancelled answer after the user spoke");
                }
            }
            String kept = response.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("transcript");
            assertTrue(kept.length() < SpokenTestModel.ANSWER.length() && SpokenTestModel.ANSWER.startsWith(kept) && !kept.isEmpty(),
                    "truncated to what was sent: " + kept);
            // The kept sentences are exactly those whose audio went out: all of it fits in them, and some of it is the last one's.
            int sent = c.audioOf(cancelledId).length;
            List<String> keptSentences = List.of(kept.split("(?<=[.!?]) "));
            int keptAudio = 0, beforeLast = 0;
            for (String sentence : keptSentences) {
                beforeLast = keptAudio;
                keptAudio += SpeechFixtures.speak(sentence, 24000).length;
            }
            assertTrue(sent > beforeLast && sent <= keptAudio, "audio sent " + sent + " bytes; the kept sentences " + keptSentences
                    + " take " + keptAudio + " bytes, all but the last " + beforeLast);

            JsonObject next = c.await(e -> type(e, "response.done"), 60_000);
            assertEquals("completed", next.getJsonObject("response").getString("status"), "the new turn is answered");
        }
    }

    @Test
    void typedTextItemGetsATextAnswer() throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            c.await("session.created", 5000);
            c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject()
                    .put("output_modalities", new JsonArray().add("text"))
                    .put("audio", new JsonObject().put("input", new JsonObject().putNull("turn_detection")))));
            JsonObject updated = c.await("session.updated", 5000);
            assertEquals(null, updated.getJsonObject("session").getJsonObject("audio").getJsonObject("input").getValue("turn_detection"));
            c.send(userText("Hello, can you hear me?"));
            c.await("conversation.item.created", 5000);
            c.send(new JsonObject().put("type", "response.create"));
            JsonObject text = c.await("response.output_text.done", 30_000);
            assertEquals(SpokenTestModel.ANSWER, text.getString("text"));
            assertEquals("completed", c.await("response.done", 10_000).getJsonObject("response").getString("status"));
            assertTrue(c.types().stream().noneMatch(t -> t.equals("response.output_audio.delta")), "text only");
        }
    }

    @Test
    void anImageItemReachesTheModel() throws Exception {
        int without = promptTokens(null);
        int with = promptTokens(photo());
        // a text-only model gets the image as the vision analysis, which adds words to its prompt
        assertTrue(with > without + 5, "prompt tokens with the image " + with + ", without " + without);
    }

    @Test
    void aLinkedCameraJoinsTheTurn() throws Exception {
        java.util.concurrent.BlockingQueue<JsonObject> video = new java.util.concurrent.LinkedBlockingQueue<>();
        var ws = java.net.http.HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/video"), new java.net.http.WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            video.add(new JsonObject(text.toString()));
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            JsonObject created = video.poll(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("session.created", created.getString("type"), created.encode());
            String videoSession = created.getString("session_id");
            int unlinked = promptTokens(null, null);
            ws.sendBinary(java.nio.ByteBuffer.wrap(photo()), true).join();
            JsonObject analysis;
            do {
                analysis = video.poll(30, java.util.concurrent.TimeUnit.SECONDS);
                assertNotNull(analysis, "no frame.analysis");
            } while (!"frame.analysis".equals(analysis.getString("type")));
            int linked = promptTokens(null, videoSession);
            // the camera's analysis ("objects: dog ...") is fused into the system prompt
            assertTrue(linked > unlinked + 5, "prompt tokens linked " + linked + ", unlinked " + unlinked);
        } finally {
            ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }

    private int promptTokens(byte[] jpeg) throws Exception {
        return promptTokens(jpeg, null);
    }

    private int promptTokens(byte[] jpeg, String videoSession) throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            c.await("session.created", 5000);
            JsonObject session = new JsonObject().put("output_modalities", new JsonArray().add("text"));
            if (videoSession != null) session.put("video_session", videoSession);
            c.send(new JsonObject().put("type", "session.update").put("session", session));
            JsonObject updated = c.await("session.updated", 5000);
            assertEquals(videoSession, updated.getJsonObject("session").getString("video_session"));
            JsonArray content = new JsonArray().add(new JsonObject().put("type", "input_text").put("text", "Tell me about this picture."));
            if (jpeg != null) {
                content.add(new JsonObject().put("type", "input_image").put("image_url", "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg)));
            }
            c.send(new JsonObject().put("type", "conversation.item.create").put("item", new JsonObject()
                    .put("type", "message").put("role", "user").put("content", content)));
            c.await("conversation.item.created", 5000);
            c.send(new JsonObject().put("type", "response.create"));
            JsonObject done = c.await("response.done", 60_000).getJsonObject("response");
            assertEquals("completed", done.getString("status"), done.encode());
            return done.getJsonObject("usage").getInteger("input_tokens");
        }
    }

    static byte[] photo() throws Exception {
        try (var in = RealtimeVoiceTest.class.getResourceAsStream("/perception/vision/photos/dog.jpg")) {
            if (in != null) return in.readAllBytes();
        }
        Path p = Path.of("../vision/src/test/resources/perception/vision/photos/dog.jpg");
        return Files.readAllBytes(p);
    }

    @Test
    void twoSessionsAtOnceEachHearTheirOwnWords() throws Exception {
        String[] said = {"Please open the front door.", "How many apples are in the basket?"};
        try (RealtimeClient a = new RealtimeClient(gateway.port()); RealtimeClient b = new RealtimeClient(gateway.port())) {
            a.await("session.created", 5000);
            b.await("session.created", 5000);
            CompletableFuture<Void> sa = CompletableFuture.runAsync(() -> speakQuietly(a, utterance(said[0], 0.4, 1.2)));
            CompletableFuture<Void> sb = CompletableFuture.runAsync(() -> speakQuietly(b, utterance(said[1], 0.4, 1.2)));
            sa.join();
            sb.join();
            String ta = a.await("conversation.item.input_audio_transcription.completed", 20_000).getString("transcript");
            String tb = b.await("conversation.item.input_audio_transcription.completed", 20_000).getString("transcript");
            assertTrue(WordErrorRate.of(said[0], ta) <= 0.25, "a heard: " + ta);
            assertTrue(WordErrorRate.of(said[1], tb) <= 0.25, "b heard: " + tb);
        }
    }

    private static void speakQuietly(RealtimeClient c, float[] audio) {
        try {
            c.speak(audio);
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void garbageGetsErrorsAndTheSessionSurvives() throws Exception {
        try (RealtimeClient c = new RealtimeClient(gateway.port())) {
            c.await("session.created", 5000);
            c.sendRaw("this is not json");
            assertEquals("invalid_json", c.await("error", 5000).getJsonObject("error").getString("code"));
            c.sendRaw("{\"no\":\"type\"}");
            assertEquals("missing_type", c.await("error", 5000).getJsonObject("error").getString("code"));
            c.send(new JsonObject().put("type", "launch.rockets").put("event_id", "evt_1"));
            JsonObject unknown = c.await("error", 5000).getJsonObject("error");
            assertEquals("unknown_event", unknown.getString("code"));
            assertEquals("evt_1", unknown.getString("event_id"), "errors name the client event");
            c.send(new JsonObject().put("type", "input_audio_buffer.append").put("audio", "!!not base64!!"));
            assertEquals("invalid_audio", c.await("error", 5000).getJsonObject("error").getString("code"));
            c.send(new JsonObject().put("type", "input_audio_buffer.append").put("audio", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})));
            assertEquals("invalid_audio", c.await("error", 5000).getJsonObject("error").getString("code"));
            c.sendBinary(new byte[] {0, 1, 2, 3});
            assertEquals("binary_not_supported", c.await("error", 5000).getJsonObject("error").getString("code"));
            c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject()
                    .put("audio", new JsonObject().put("input", new JsonObject().put("format", new JsonObject().put("type", "audio/pcm").put("rate", 44100))))));
            assertTrue(c.await("error", 5000).getJsonObject("error").getString("message").contains("24000 or 16000"));
            c.send(new JsonObject().put("type", "response.cancel"));
            assertEquals("response_cancel_not_active", c.await("error", 5000).getJsonObject("error").getString("code"));

            c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject().put("output_modalities", new JsonArray().add("text"))));
            c.await("session.updated", 5000);
            c.send(userText("Are you still there?"));
            c.send(new JsonObject().put("type", "response.create"));
            assertEquals("completed", c.await("response.done", 30_000).getJsonObject("response").getString("status"), "still works");
        }
    }

    static JsonObject userText(String text) {
        return new JsonObject().put("type", "conversation.item.create").put("item", new JsonObject().put("type", "message")
                .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "input_text").put("text", text))));
    }
}
