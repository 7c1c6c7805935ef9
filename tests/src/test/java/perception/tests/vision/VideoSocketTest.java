package perception.tests.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.gateway.vision.VideoSessions;
import perception.tests.TestGateway;

/** GET /v1/video: live frames over a WebSocket, latest-frame-wins, scene changes, errors. */
class VideoSocketTest {
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("speech", "false", "llm_backend", "none", "analyzers", "objects,faces");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    /** A WebSocket client that queues every text message as JSON. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Client connect(TestGateway gateway) throws Exception {
            Client c = new Client();
            c.ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/video"), c).get(10, TimeUnit.SECONDS);
            return c;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                events.add(new JsonObject(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        JsonObject next(String type) throws InterruptedException {
            while (true) {
                JsonObject e = events.poll(60, TimeUnit.SECONDS);
                assertNotNull(e, "no " + type + " event within 60 s");
                if (type.equals(e.getString("type"))) return e;
            }
        }

        void text(String s) {
            ws.sendText(s, true).join();
        }

        void frame(byte[] b) {
            ws.sendBinary(ByteBuffer.wrap(b), true).join();
        }
    }

    /**
     * Frames sent back to back, as fast as the socket takes them: faster than any analysis, so the
     * gateway must drop all but what it had time for. The bound comes from the work measured in the
     * same run: while frames were arriving, at most (arrival window / shortest analysis) analyses can
     * have finished, plus the one in flight and the last frame waiting.
     */
    @Test
    void aFloodFasterThanAnalysisDropsFramesAndKeepsTheLatest() throws Exception {
        Client c = Client.connect(gateway);
        String id = c.next("session.created").getString("session_id");
        c.text("{\"type\":\"session.update\",\"analyzers\":[\"objects\"]}");
        c.next("session.updated");
        byte[] jpeg = VisionMedia.photo("dog.jpg");
        int sent = 120;
        long start = System.nanoTime();
        for (int i = 0; i < sent; i++) {
            c.text("{\"type\":\"frame.info\",\"timestamp\":" + i + "}");
            c.frame(jpeg);
        }
        // Wait for the analysis of the last frame (latest wins, so seq == sent arrives last).
        JsonObject last;
        List<Long> seqs = new ArrayList<>();
        double shortestMs = Double.MAX_VALUE;
        long lastArrived;
        do {
            last = c.next("frame.analysis");
            lastArrived = System.nanoTime();
            seqs.add(last.getLong("seq"));
            shortestMs = Math.min(shortestMs, last.getJsonObject("timings_ms").getDouble("objects"));
        } while (last.getLong("seq") < sent);
        assertEquals(sent - 1, last.getLong("timestamp"), "the client timestamp of frame " + sent);
        long dropped = last.getLong("dropped"), analysed = last.getLong("analysed");
        // The gateway runs in this JVM: its receipt of the last frame is no later than our clock now minus its latency.
        double windowMs = (lastArrived - start) / 1e6 - last.getDouble("latency_ms");
        long mostAnalysed = (long) Math.floor(windowMs / shortestMs) + 2;
        System.out.printf("WS flood: %d frames in %.0f ms, analysis >= %.1f ms; %d analysed (at most %d), %d dropped%n",
                sent, windowMs, shortestMs, analysed, mostAnalysed, dropped);
        assertTrue(mostAnalysed < sent, "the flood must outrun the analysis it measures: " + sent + " frames arrived over "
                + windowMs + " ms, an analysis takes at least " + shortestMs + " ms");
        assertEquals(sent, analysed + dropped, "every frame is either analysed or reported dropped");
        assertTrue(analysed <= mostAnalysed && dropped >= sent - mostAnalysed, "latest frame wins: " + analysed + " analysed, "
                + dropped + " dropped; with one analysis at a time at most " + mostAnalysed + " could be analysed: " + last.encode());
        assertTrue(last.getJsonArray("objects").stream().anyMatch(o -> "dog".equals(((JsonObject) o).getString("label"))));
        for (int i = 1; i < seqs.size(); i++) assertTrue(seqs.get(i) > seqs.get(i - 1), "in order: " + seqs);
        var latest = VideoSessions.of(gateway.gateway().context()).latest(id).orElseThrow();
        assertEquals(sent, latest.seq());
        assertTrue(latest.analysis().toPromptText().contains("dog"), latest.analysis().toPromptText());
        c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        long until = System.currentTimeMillis() + 5000;
        while (VideoSessions.of(gateway.gateway().context()).isOpen(id) && System.currentTimeMillis() < until) Thread.sleep(20);
        assertTrue(VideoSessions.of(gateway.gateway().context()).latest(id).isEmpty(), "closed sessions are forgotten");
    }

    @Test
    void reportsSceneChangesAndErrorsAndCarriesOn() throws Exception {
        Client c = Client.connect(gateway);
        c.next("session.created");
        byte[] dog = VisionMedia.photo("dog.jpg"), fruit = VisionMedia.photo("fruits.jpg");
        c.frame(dog);
        assertEquals(1, c.next("frame.analysis").getLong("seq"));
        c.frame(dog);
        c.next("frame.analysis");
        c.frame(fruit);
        JsonObject change = c.next("scene.changed");
        assertEquals(3, change.getLong("seq"));
        c.text("not json");
        assertEquals("invalid_json", c.next("error").getJsonObject("error").getString("code"));
        c.text("{\"type\":\"session.update\",\"analyzers\":[\"text\"]}");
        assertEquals("invalid_parameter", c.next("error").getJsonObject("error").getString("code"), "text is not loaded here");
        c.text("{\"type\":\"session.update\",\"fps\":1000}");
        assertEquals("invalid_parameter", c.next("error").getJsonObject("error").getString("code"));
        c.frame("garbage, not a picture".getBytes());
        JsonObject error = c.next("error");
        assertEquals(4, error.getLong("seq"));
        assertEquals("unsupported_media_type", error.getJsonObject("error").getString("code"));
        c.frame(new byte[0]);
        assertEquals("invalid_image", c.next("error").getJsonObject("error").getString("code"));
        c.frame(dog);
        assertEquals(6, c.next("frame.analysis").getLong("seq"), "the session still works after bad input");
        c.ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }
}
