package perception.tests.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.tests.TestGateway;

/**
 * Issue #12's "work is bounded" for the vision and LLM pools, tokens per answer and realtime audio
 * per session, through real sockets: a flooded pool answers 503 with Retry-After in the error shape
 * instead of queueing without end; an answer is at most max_answer_tokens (a chat request asking
 * for more gets 400 naming the setting, one asking for none gets the cap); a realtime session that
 * sends more than realtime_max_session_seconds of audio is closed with 1008. The LLM is a real HTTP
 * server standing for a slow OpenAI-compatible backend.
 */
class HostileWorkTest {
    static final int CAP_TOKENS = 64;
    static HttpServer upstream;
    static TestGateway gateway;
    static volatile long upstreamDelayMillis;
    static final LinkedBlockingQueue<JsonObject> received = new LinkedBlockingQueue<>();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.setExecutor(Executors.newCachedThreadPool());
        upstream.createContext("/v1/chat/completions", HostileWorkTest::answer);
        upstream.start();
        gateway = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "remote",
                "llm_url", "http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1", "llm_model", "slow-test",
                "inference_threads", "1", "pool_queue", "1", "max_answer_tokens", String.valueOf(CAP_TOKENS),
                "realtime_max_session_seconds", "2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
        if (upstream != null) upstream.stop(0);
    }

    static void answer(HttpExchange ex) throws IOException {
        received.add(new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
        try {
            Thread.sleep(upstreamDelayMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] body = new JsonObject().put("id", "chatcmpl-slow").put("object", "chat.completion").put("created", 1733000000)
                .put("model", "slow-test").put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", "Fine."))
                        .put("finish_reason", "stop")))
                .encode().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("content-type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    HttpResponse<String> chat(JsonObject extra) throws Exception {
        JsonObject body = new JsonObject().put("model", "slow-test")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "How are you?"))).mergeIn(extra);
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions"))).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject error(HttpResponse<String> r) {
        JsonObject e = new JsonObject(r.body()).getJsonObject("error");
        assertTrue(e != null && e.getString("message") != null && e.getString("type") != null && e.getString("code") != null, r.body());
        return e;
    }

    @Test
    void anAnswerIsBoundedByMaxAnswerTokens() throws Exception {
        upstreamDelayMillis = 0;
        HttpResponse<String> over = chat(new JsonObject().put("max_tokens", CAP_TOKENS + 1));
        assertEquals(400, over.statusCode(), over.body());
        JsonObject e = error(over);
        assertEquals("max_tokens", e.getString("param"));
        assertTrue(e.getString("message").contains("max_answer_tokens") && e.getString("message").contains(String.valueOf(CAP_TOKENS)), over.body());
        assertEquals(400, chat(new JsonObject().put("max_completion_tokens", 100_000)).statusCode());

        received.clear();
        HttpResponse<String> none = chat(new JsonObject());
        assertEquals(200, none.statusCode(), none.body());
        assertEquals(CAP_TOKENS, received.poll(10, TimeUnit.SECONDS).getInteger("max_tokens"), "no max_tokens asked: the cap is sent");
        assertEquals(200, chat(new JsonObject().put("max_tokens", 5)).statusCode());
        assertEquals(5, received.poll(10, TimeUnit.SECONDS).getInteger("max_tokens"), "a smaller ask is kept");
    }

    @Test
    void aFloodedLlmPoolAnswers503WithRetryAfter() throws Exception {
        upstreamDelayMillis = 2000; // each answer holds the one LLM worker for 2 s
        try {
            List<HttpResponse<String>> replies = flood(8, () -> chat(new JsonObject().put("max_tokens", 8)));
            assertBusyAndServed(replies, "8 chats at once on 1 thread with a queue of 1");
        } finally {
            upstreamDelayMillis = 0;
        }
    }

    @Test
    void aFloodedVisionPoolAnswers503WithRetryAfter() throws Exception {
        byte[] jpeg = noise(1600, 1200);
        List<HttpResponse<String>> replies = flood(16, () -> http.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/images/describe")))
                .header("content-type", "image/jpeg").POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.ofString()));
        assertBusyAndServed(replies, "16 images at once on 1 thread with a queue of 1");
    }

    @Test
    void realtimeInputAudioPerSessionIsBounded() throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        ConcurrentLinkedQueue<JsonObject> events = new ConcurrentLinkedQueue<>();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/v1/realtime"), new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    events.add(new JsonObject(text.toString()));
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                closed.complete(code);
                return null;
            }

            @Override
            public void onError(WebSocket w, Throwable error) {
                closed.completeExceptionally(error);
            }
        }).get(20, TimeUnit.SECONDS);
        String second = Base64.getEncoder().encodeToString(new byte[24000 * 2]); // 1 s of 24 kHz PCM16 (the default input rate)
        for (int i = 0; i < 4 && !closed.isDone(); i++) {
            ws.sendText(new JsonObject().put("type", "input_audio_buffer.append").put("audio", second).encode(), true).get(10, TimeUnit.SECONDS);
        }
        assertEquals(1008, closed.get(30, TimeUnit.SECONDS), "events: " + events);
        assertTrue(events.stream().anyMatch(e -> e.getJsonObject("error") != null && "session_too_long".equals(e.getJsonObject("error").getString("code"))
                && e.getJsonObject("error").getString("message").contains("realtime_max_session_seconds")), "events: " + events);
    }

    interface Call {
        HttpResponse<String> call() throws Exception;
    }

    static List<HttpResponse<String>> flood(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) fs.add(pool.submit(call::call));
            List<HttpResponse<String>> out = new ArrayList<>();
            for (Future<HttpResponse<String>> f : fs) out.add(f.get(5, TimeUnit.MINUTES));
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertBusyAndServed(List<HttpResponse<String>> replies, String what) {
        int busy = 0;
        int served = 0;
        for (HttpResponse<String> r : replies) {
            if (r.statusCode() == 503) {
                busy++;
                assertTrue(r.headers().firstValue("retry-after").isPresent(), "503 without Retry-After: " + r.body());
                assertTrue(error(r).getString("message").contains("pool_queue"), r.body());
            } else {
                assertEquals(200, r.statusCode(), r.body());
                served++;
            }
        }
        assertTrue(busy > 0, what + ": some must be refused, none was");
        assertTrue(served > 0, what + ": the first ones are served");
    }

    static byte[] noise(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(7);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rnd.nextInt(1 << 24));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }
}
