package perception.tests.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;

/**
 * Turn-taking of /v1/realtime: a user who pauses mid-sentence (300–450 ms, after a word that leaves
 * the sentence unfinished) is never answered before they finish — although the gateway starts an
 * answer speculatively at each pause, none of it (not even response.created) reaches the client
 * until the turn is over; a complete question's answer is the speculative one, committed; the
 * end-of-speech latency stages reach response.done and /metrics; semantic_vad is accepted.
 */
class TurnTakingTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("analyzers", "", "llm_backend", "embedded",
                "llm_model_dir", SpokenTestModel.write(Files.createTempDirectory("spoken-llm")).toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static boolean type(JsonObject e, String type) {
        return type.equals(e.getString("type"));
    }

    @Test
    void midSentencePausesAreNeverAnsweredBeforeTheEnd() throws Exception {
        String[][] said = {{"What is the weather like in", "Paris tomorrow?"}, {"Can you remind me to", "call my mother tonight?"},
                {"How many people live in", "the city of London?"}, {"Please add milk and eggs and", "bread to the shopping list."}};
        int[] pauses = {300, 350, 400, 450};
        try (RealtimeClient c = new RealtimeClient(TurnTakingTest.gateway.port())) {
            c.await("session.created", 5000);
            for (int t = 0; t < said.length; t++) {
                SpokenTurn turn = SpokenTurn.of(0.4, 1.2, List.of(said[t]), pauses[t]);
                int from = c.events().size();
                long[] sent = c.speak(turn.audio());
                long end = sent[turn.lastSpeechChunk()];
                JsonObject created = c.await("response.created", 30_000);
                String id = created.getJsonObject("response").getString("id");
                // checked at once: a cut-in's response may end (cancelled by the user's next words) before any audio
                assertTrue(c.arrival(created) >= end, "response.created came before the user finished (a cut-in at the "
                        + pauses[t] + " ms pause after \"" + said[t][0] + "\"): " + c.events().subList(from, c.events().size()).stream()
                        .filter(e -> !type(e, "response.output_audio.delta") && !type(e, "response.output_audio_transcript.delta"))
                        .map(e -> e.getString("type") + (e.containsKey("transcript") ? " \"" + e.getString("transcript") + "\"" : "")
                                + (e.containsKey("delta") ? " \"" + e.getString("delta") + "\"" : "")
                                + (e.containsKey("audio_start_ms") ? " at " + e.getValue("audio_start_ms") + " ms" : "")
                                + (e.containsKey("audio_end_ms") ? " at " + e.getValue("audio_end_ms") + " ms" : "")).toList());
                JsonObject firstAudio = c.await(e -> type(e, "response.output_audio.delta") && id.equals(e.getString("response_id")), 30_000);
                c.send(new JsonObject().put("type", "response.cancel"));
                c.await(e -> type(e, "response.done") && id.equals(e.getJsonObject("response").getString("id")), 30_000);

                String context = "pause " + pauses[t] + " ms after \"" + said[t][0] + "\": " + c.events().subList(from, c.events().size()).stream()
                        .map(e -> e.getString("type")).filter(x -> !x.contains(".delta")).toList();
                assertTrue(c.arrival(firstAudio) >= end, "answer audio came before the user finished: " + context);
                List<JsonObject> turnEvents = c.events().subList(from, c.events().indexOf(created));
                assertEquals(1, turnEvents.stream().filter(e -> type(e, "input_audio_buffer.speech_stopped")).count(), "one turn, not two: " + context);
                assertEquals(1, c.events().subList(from, c.events().size()).stream().filter(e -> type(e, "response.created")).count(),
                        "answers started at the pause were dropped without a trace: " + context);
                String transcript = turnEvents.stream().filter(e -> type(e, "conversation.item.input_audio_transcription.completed"))
                        .findFirst().orElseThrow(() -> new AssertionError("no transcript before the answer: " + context)).getString("transcript");
                assertTrue(WordErrorRate.of(String.join(" ", said[t]), transcript) <= 0.35, "the answer is to the whole sentence; heard: " + transcript);
            }
        }
    }

    @Test
    void aCompleteQuestionGetsTheAnswerStartedAtThePause() throws Exception {
        try (RealtimeClient c = new RealtimeClient(TurnTakingTest.gateway.port())) {
            c.await("session.created", 5000);
            c.speak(SpokenTurn.of("How many apples are in the basket?", 0.4, 1.2).audio());
            JsonObject done = c.await("response.done", 60_000).getJsonObject("response");
            assertEquals("completed", done.getString("status"), done.encode());
            JsonObject latency = done.getJsonObject("latency_ms");
            assertEquals(true, latency.getBoolean("speculative"), "the answer started while the user paused: " + latency.encode());
            assertTrue(latency.getLong("llm_first_token") != null, latency.encode());
            JsonObject since = latency.getJsonObject("since_speech_end");
            long stopped = since.getLong("speech_stopped"), transcript = since.getLong("transcript");
            long token = since.getLong("first_token"), audio = since.getLong("first_audio");
            assertTrue(0 <= stopped && stopped <= transcript && transcript <= token && token <= audio, "stages in order: " + latency.encode());
            String said = c.events().stream().filter(e -> type(e, "response.output_audio_transcript.done")).findFirst().orElseThrow().getString("transcript");
            assertEquals(SpokenTestModel.ANSWER, said, "the committed speculative answer is the whole answer");

            // a connection that closes after the answer: an idle keep-alive one would hold up the gateway's graceful stop
            var http = (java.net.HttpURLConnection) URI.create(gateway.url("/metrics")).toURL().openConnection();
            http.setRequestProperty("Connection", "close");
            String metrics;
            try (var in = http.getInputStream()) {
                metrics = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            for (String stage : List.of("speech_end_to_speech_stopped", "speech_end_to_transcript", "speech_end_to_first_token", "speech_end_to_first_audio")) {
                assertTrue(metrics.contains("perception_realtime_latency_seconds_count{stage=\"" + stage + "\""), stage + " in /metrics");
            }
        }
    }

    @Test
    void semanticVadTakesAnEagerness() throws Exception {
        try (RealtimeClient c = new RealtimeClient(TurnTakingTest.gateway.port())) {
            c.await("session.created", 5000);
            c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject().put("audio", new JsonObject()
                    .put("input", new JsonObject().put("turn_detection", new JsonObject().put("type", "semantic_vad").put("eagerness", "high"))))));
            JsonObject td = c.await("session.updated", 5000).getJsonObject("session").getJsonObject("audio").getJsonObject("input").getJsonObject("turn_detection");
            assertEquals("semantic_vad", td.getString("type"));
            assertEquals("high", td.getString("eagerness"));
            c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject()
                    .put("turn_detection", new JsonObject().put("type", "semantic_vad").put("eagerness", "eager"))));
            assertTrue(c.await("error", 5000).getJsonObject("error").getString("message").contains("low, medium, high or auto"));
            c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject()
                    .put("turn_detection", new JsonObject().put("type", "server_vad").put("eagerness", "low"))));
            assertTrue(c.await("error", 5000).getJsonObject("error").getString("message").contains("semantic_vad"));

            c.speak(SpokenTurn.of("Please turn on the kitchen lights.", 0.4, 1.2).audio());
            JsonObject done = c.await("response.done", 60_000).getJsonObject("response");
            assertEquals("completed", done.getString("status"), "a semantic_vad session answers: " + done.encode());
        }
    }
}
