package perception.tests.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import perception.speech.Audio;
import perception.tests.realtime.RealtimeClient;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;
import perception.tests.vision.VisionMedia;

/**
 * Three JVMs on 127.0.0.1 from the packaged jar: a gateway node with no models and two worker
 * nodes. Every sense works through the gateway; a video socket on one node is seen by a voice
 * session on another; a worker killed under load leaves every request answered or failed with a
 * 503 in the error shape within its timeout.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    static ClusterNodes cluster;
    /** One thread per request of the load, so all are in flight when the worker dies. */
    static final java.util.concurrent.ExecutorService CALLERS = java.util.concurrent.Executors.newCachedThreadPool();

    @BeforeAll
    static void start() throws Exception {
        cluster = ClusterNodes.start(2, "--analyzers", "objects,faces", "--llm-backend", "none");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    static String url(String path) {
        return cluster.gateway.url(path);
    }

    @Test
    @Order(1)
    void theGatewayLoadsNoModelsAndSeesBothWorkers() throws Exception {
        JsonObject ready = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create(url("/ready"))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(new JsonArray(), ready.getJsonArray("models"), ready.encode());
        JsonObject c = ready.getJsonObject("cluster");
        assertEquals("gateway", c.getString("role"));
        assertEquals(2, c.getJsonArray("workers").size(), c.encode());
        assertEquals(new JsonArray().add("llm").add("speech").add("vision"), c.getJsonArray("senses"));
    }

    @Test
    @Order(2)
    void transcriptionImageAndChatWorkThroughTheGateway() throws Exception {
        var heard = new SpeechClient(cluster.gateway.port).transcribe(SpeechClient.wav(SpeechFixtures.speak("hello world", 16000), 16000));
        assertEquals(200, heard.statusCode(), heard.body());
        assertEquals("hello world", new JsonObject(heard.body()).getString("text"));

        HttpResponse<String> described = VisionMedia.postMultipart(HTTP, url("/v1/images/describe"), "image", VisionMedia.photo("person.jpg"));
        assertEquals(200, described.statusCode(), described.body());
        assertTrue(new JsonObject(described.body()).getJsonArray("objects").stream().map(JsonObject.class::cast)
                .anyMatch(o -> o.getString("label").equals("dog")), described.body());

        JsonObject answer = chat("what is 17 times 23");
        assertTrue(answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content").contains("391"), answer.encode());
    }

    static JsonObject chat(String question) throws Exception {
        JsonObject body = new JsonObject().put("model", "assistant").put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", question)));
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions"))).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    @Test
    @Order(3)
    void aCameraOnTheGatewayIsSeenByAVoiceSessionOnAnotherNode() throws Exception {
        BlockingQueue<JsonObject> video = new LinkedBlockingQueue<>();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + cluster.gateway.port + "/v1/video"), new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    video.add(new JsonObject(text.toString()));
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        try {
            JsonObject created = video.poll(30, TimeUnit.SECONDS);
            assertNotNull(created, "no session.created");
            ws.sendBinary(ByteBuffer.wrap(VisionMedia.photo("messi5.jpg")), true).join();
            JsonObject analysis;
            do {
                analysis = video.poll(60, TimeUnit.SECONDS);
                assertNotNull(analysis, "no frame.analysis from the worker");
            } while (!"frame.analysis".equals(analysis.getString("type")));
            assertTrue(analysis.getJsonArray("objects").stream().map(JsonObject.class::cast).anyMatch(o -> o.getString("label").equals("person")),
                    analysis.encode());
            // the voice session is on a worker node's HTTP port: another node than the video socket's
            try (RealtimeClient c = new RealtimeClient(cluster.workers.get(1).port)) {
                c.await("session.created", 10_000);
                c.send(new JsonObject().put("type", "session.update").put("session", new JsonObject()
                        .put("output_modalities", new JsonArray().add("text")).put("video_session", created.getString("session_id"))));
                c.await("session.updated", 10_000);
                // the analysed frame reaches the other nodes over the bus a moment after the video client
                // heard of it: ask until the answer comes from the camera (bounded), as a user would
                String text = "";
                long deadline = System.currentTimeMillis() + 20_000;
                while (!text.startsWith("I see ") && System.currentTimeMillis() < deadline) {
                    c.send(new JsonObject().put("type", "conversation.item.create").put("item", new JsonObject().put("type", "message")
                            .put("role", "user").put("content", new JsonArray().add(new JsonObject().put("type", "input_text")
                                    .put("text", "How many people do you see?")))));
                    c.send(new JsonObject().put("type", "response.create"));
                    text = c.await("response.output_text.done", 60_000).getString("text");
                    if (!text.startsWith("I see ")) Thread.sleep(250);
                }
                assertTrue(text.startsWith("I see ") && text.contains("people"), "the other node's camera, as seen from here within 20 s: " + text);
            }
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
        }
    }

    @Test
    @Order(4)
    void aSpokenTurnIsHeardAndAnsweredThroughTheGateway() throws Exception {
        float[] speech = Audio.fromPcm16le(SpeechFixtures.speak("what is seventeen times twenty three", 16000), 16000).samples();
        float[] audio = new float[8000 + speech.length + 24000];
        System.arraycopy(speech, 0, audio, 8000, speech.length);
        try (RealtimeClient c = new RealtimeClient(cluster.gateway.port)) {
            c.await("session.created", 10_000);
            c.speak(audio);
            String heard = c.await("conversation.item.input_audio_transcription.completed", 60_000).getString("transcript");
            assertTrue(heard.contains("times"), "heard: " + heard);
            JsonObject done = c.await("response.done", 60_000).getJsonObject("response");
            assertEquals("completed", done.getString("status"), done.encode());
            assertTrue(c.audioOf(done.getString("id")).length > 4800, "the answer is spoken (synthesised on a worker)");
        }
    }

    /** One request of the load: what came back, and how long it took. */
    record Outcome(String what, int status, String body, double seconds) {
    }

    @Test
    @Order(5)
    void aWorkerKilledUnderLoadLeavesNoRequestHangingOrAnsweredWrong() throws Exception {
        byte[] wav = SpeechClient.wav(SpeechFixtures.speak("hello world", 16000), 16000);
        byte[] photo = VisionMedia.photo("person.jpg");
        List<CompletableFuture<Outcome>> load = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            load.add(timed("transcription", () -> {
                var r = new SpeechClient(cluster.gateway.port).transcribe(wav);
                return new Object[] {r.statusCode(), r.body()};
            }));
            load.add(timed("image", () -> {
                var r = VisionMedia.postMultipart(HTTP, url("/v1/images/describe"), "image", photo);
                return new Object[] {r.statusCode(), r.body()};
            }));
            load.add(timed("chat", () -> {
                JsonObject body = new JsonObject().put("model", "assistant").put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "user").put("content", "what is 17 times 23")));
                var r = HTTP.send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions"))).timeout(Duration.ofSeconds(150))
                        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                        HttpResponse.BodyHandlers.ofString());
                return new Object[] {r.statusCode(), r.body()};
            }));
        }
        Thread.sleep(300); // the requests are on their way to both workers
        cluster.workers.get(0).process.destroyForcibly();
        int answered = 0;
        for (var f : load) {
            // the longest per-kind timeout a request may need here is 120 s (an image); none may run past it
            Outcome o = f.get(150, TimeUnit.SECONDS);
            if (o.status() == 200) {
                answered++;
                JsonObject body = new JsonObject(o.body());
                switch (o.what()) {
                    case "transcription" -> assertEquals("hello world", body.getString("text"), o.toString());
                    case "image" -> assertTrue(body.getJsonArray("objects").stream().map(JsonObject.class::cast)
                            .anyMatch(x -> x.getString("label").equals("dog")), o.toString());
                    default -> assertEquals("17 × 23 = 391", body.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                            .getString("content"), o.toString()); // once, not twice: no answer is written by two workers
                }
            } else {
                assertEquals(503, o.status(), o.toString());
                JsonObject error = new JsonObject(o.body()).getJsonObject("error");
                assertNotNull(error.getString("message"), o.toString());
                assertEquals("service_unavailable", error.getString("type"), o.toString());
            }
        }
        assertTrue(answered >= load.size() / 2, "the surviving worker should take most of the load: " + answered + " of " + load.size());
        // the cluster noticed: the gateway now lists one worker, and still serves every sense through it
        cluster.awaitWorkers(1, 60);
        assertEquals("17 × 23 = 391", chat("what is 17 times 23").getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
    }

    interface Call {
        Object[] run() throws Exception;
    }

    static CompletableFuture<Outcome> timed(String what, Call call) {
        return CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try {
                Object[] r = call.run();
                return new Outcome(what, (Integer) r[0], (String) r[1], (System.nanoTime() - t0) / 1e9);
            } catch (Exception e) {
                throw new AssertionError(what + " failed without an HTTP answer after " + (System.nanoTime() - t0) / 1e9 + " s: " + e, e);
            }
        }, CALLERS);
    }
}
