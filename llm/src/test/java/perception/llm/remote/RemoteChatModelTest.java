package perception.llm.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.ChatResult.FinishReason;
import perception.llm.ContentPart;
import perception.llm.LlmException;

/** The remote backend against a real HTTP server on a loopback socket that misbehaves on purpose. */
class RemoteChatModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();
    private final ConcurrentLinkedQueue<JsonNode> bodies = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> auth = new ConcurrentLinkedQueue<>();
    private volatile Handler handler;

    interface Handler {
        void handle(HttpExchange ex, int call) throws Exception;
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", ex -> {
            try {
                bodies.add(JSON.readTree(ex.getRequestBody()));
                String a = ex.getRequestHeaders().getFirst("authorization");
                auth.add(a == null ? "" : a);
                handler.handle(ex, calls.incrementAndGet());
            } catch (Exception e) {
                // the client went away
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    /** Timeouts far above anything a loaded machine needs: only the stall test relies on one, its own. */
    private RemoteChatModel model() {
        return model(Duration.ofSeconds(30));
    }

    private RemoteChatModel model(Duration idle) {
        return new RemoteChatModel(RemoteConfig.of("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "sk-test", "m")
                .withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), idle));
    }

    private static ChatRequest ask() {
        return ChatRequest.of(List.of(ChatMessage.text(Role.USER, "hi")), 10);
    }

    static String chunk(String content, String finish) {
        String f = finish == null ? "null" : "\"" + finish + "\"";
        return "data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                + JSON.valueToTree(content) + "},\"finish_reason\":" + f + "}]}\n\n";
    }

    /** Writes the stream in awkward pieces: mid-line, mid-character, with comments. */
    static void sse(HttpExchange ex, String... events) throws IOException {
        ex.getResponseHeaders().add("content-type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        byte[] all = (": keep-alive\n\n" + String.join("", events)).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < all.length; i += 5) {
            out.write(all, i, Math.min(5, all.length - i));
            out.flush();
        }
    }

    static void status(HttpExchange ex, int code, String retryAfter, String body) throws IOException {
        if (retryAfter != null) ex.getResponseHeaders().add("retry-after", retryAfter);
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    @Test
    void streamsTextSplitAnywhereAndSendsTheRequestRight() {
        handler = (ex, n) -> sse(ex, chunk("Grü", null), chunk("ße, ", null), chunk("world", "stop"),
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n", "data: [DONE]\n\n");
        List<String> pieces = new ArrayList<>();
        ChatResult r = model().chat(new ChatRequest(List.of(ChatMessage.text(Role.USER, "hi")),
                new perception.llm.Sampling(0.5, 0, 0.9, 1, 7L), List.of("END"), 10), pieces::add, new Cancellation());
        assertEquals("Grüße, world", r.text());
        assertEquals(List.of("Grü", "ße, ", "world"), pieces);
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(7, r.promptTokens());
        assertEquals(3, r.completionTokens());
        JsonNode body = bodies.peek();
        assertEquals("m", body.get("model").asText());
        assertEquals(true, body.get("stream").asBoolean());
        assertEquals("hi", body.get("messages").get(0).get("content").asText());
        assertEquals(0.9, body.get("top_p").asDouble());
        assertEquals(7, body.get("seed").asInt());
        assertEquals("END", body.get("stop").get(0).asText());
        assertEquals("Bearer sk-test", auth.peek());
    }

    @Test
    void imagesGoAsDataUrlsWhenTheServerHasVision() {
        handler = (ex, n) -> sse(ex, chunk("ok", "stop"), "data: [DONE]\n\n");
        RemoteChatModel vision = new RemoteChatModel(RemoteConfig.of("http://127.0.0.1:" + server.getAddress().getPort() + "/v1", null, "m").withVision(true));
        ChatRequest r = ChatRequest.of(List.of(new ChatMessage(Role.USER, List.of(new ContentPart.Text("what?"),
                new ContentPart.Image(new byte[] {1, 2, 3}, "image/png")))), 5);
        assertEquals("ok", vision.chat(r, t -> { }, new Cancellation()).text());
        JsonNode part = bodies.peek().get("messages").get(0).get("content").get(1);
        assertEquals("data:image/png;base64,AQID", part.get("image_url").get("url").asText());
        assertThrows(IllegalArgumentException.class, () -> model().chat(r, t -> { }, new Cancellation()));
    }

    @Test
    void retriesAfterWhatRetryAfterSays() {
        handler = (ex, n) -> {
            if (n == 1) status(ex, 503, "1", "{\"error\":{\"message\":\"loading model\"}}");
            else sse(ex, chunk("fine", "stop"), "data: [DONE]\n\n");
        };
        long t0 = System.nanoTime();
        assertEquals("fine", model().chat(ask(), t -> { }, new Cancellation()).text());
        assertEquals(2, calls.get());
        assertTrue(System.nanoTime() - t0 >= 900_000_000L, "waited for Retry-After");
    }

    @Test
    void tooLongRetryAfterIs503AndPersistent5xxIs502() {
        handler = (ex, n) -> status(ex, 429, "3600", "{\"error\":{\"message\":\"slow down\"}}");
        LlmException e = assertThrows(LlmException.class, () -> model().chat(ask(), t -> { }, new Cancellation()));
        assertEquals(503, e.status());
        assertEquals(1, calls.get());
        calls.set(0);
        handler = (ex, n) -> status(ex, 500, null, "boom");
        e = assertThrows(LlmException.class, () -> model().chat(ask(), t -> { }, new Cancellation()));
        assertEquals(502, e.status());
        assertEquals(3, calls.get());
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
    }

    @Test
    void clientErrorsAreNotRetried() {
        handler = (ex, n) -> status(ex, 401, null, "{\"error\":{\"message\":\"bad key\"}}");
        LlmException e = assertThrows(LlmException.class, () -> model().chat(ask(), t -> { }, new Cancellation()));
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("llm_api_key"), e.getMessage());
        handler = (ex, n) -> status(ex, 400, null, "{\"error\":{\"message\":\"context too long\"}}");
        e = assertThrows(LlmException.class, () -> model().chat(ask(), t -> { }, new Cancellation()));
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("context too long"));
        assertEquals(2, calls.get());
    }

    @Test
    void errorObjectMidStreamIs502() {
        handler = (ex, n) -> sse(ex, chunk("par", null), "data: {\"error\":{\"message\":\"out of memory\"}}\n\n");
        LlmException e = assertThrows(LlmException.class, () -> model().chat(ask(), t -> { }, new Cancellation()));
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("out of memory"));
        assertEquals(1, calls.get());
    }

    /** The server sends one piece and then stalls until the client has given up: it never resumes first. */
    @Test
    void stalledStreamTimesOutAs504() throws Exception {
        java.util.concurrent.CountDownLatch gaveUp = new java.util.concurrent.CountDownLatch(1);
        handler = (ex, n) -> {
            ex.getResponseHeaders().add("content-type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            ex.getResponseBody().write(chunk("a", null).getBytes(StandardCharsets.UTF_8));
            ex.getResponseBody().flush();
            gaveUp.await(60, java.util.concurrent.TimeUnit.SECONDS);
        };
        List<String> got = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            LlmException e = assertThrows(LlmException.class, () -> model(Duration.ofSeconds(2)).chat(ask(), got::add, new Cancellation()));
            assertEquals(504, e.status());
            assertTrue(e.getMessage().contains("sent nothing for 2 s in the middle of the answer"), e.getMessage());
        } finally {
            gaveUp.countDown();
        }
        assertEquals(List.of("a"), got, "the piece before the stall arrived");
        assertTrue(System.nanoTime() - t0 >= 2_000_000_000L, "gave up only after the idle timeout");
    }

    @Test
    void unreachableServerIs502() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RemoteChatModel m = new RemoteChatModel(RemoteConfig.of("http://127.0.0.1:" + port + "/v1", null, null).withRetries(1, Duration.ofSeconds(1)));
        LlmException e = assertThrows(LlmException.class, () -> m.chat(ask(), t -> { }, new Cancellation()));
        assertEquals(502, e.status());
        assertTrue(e.getMessage().contains("llm_url"), e.getMessage());
    }

    @Test
    void cancellationEndsTheStream() {
        handler = (ex, n) -> {
            ex.getResponseHeaders().add("content-type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            for (int i = 0; i < 100; i++) {
                ex.getResponseBody().write(chunk("x", null).getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
                Thread.sleep(20);
            }
        };
        Cancellation c = new Cancellation();
        List<String> got = new ArrayList<>();
        ChatResult r = model().chat(ask(), t -> {
            got.add(t);
            if (got.size() == 2) c.cancel();
        }, c);
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertEquals(2, got.size());
    }
}
