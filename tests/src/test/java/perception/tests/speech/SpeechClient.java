package perception.tests.speech;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;

/**
 * A client of the speech endpoints built on the JDK's own HTTP and WebSocket clients (not Vert.x),
 * so the gateway is exercised by an independent implementation over a real socket.
 */
public final class SpeechClient {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;

    public SpeechClient(int port) {
        this.port = port;
    }

    /** POST /v1/audio/transcriptions as multipart; fields in order, the file last. */
    public HttpResponse<String> transcribe(byte[] file, String filename, Map<String, List<String>> fields) throws Exception {
        String boundary = "----perception" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (var e : fields.entrySet()) {
            for (String v : e.getValue()) {
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + e.getKey() + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        if (file != null) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(file);
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/transcriptions"))
                .timeout(Duration.ofMinutes(3))
                .header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> transcribe(byte[] wav, String... fields) throws Exception {
        Map<String, List<String>> f = new java.util.LinkedHashMap<>();
        f.put("model", new ArrayList<>(List.of("whisper-1")));
        for (int i = 0; i < fields.length; i += 2) f.computeIfAbsent(fields[i], k -> new ArrayList<>()).add(fields[i + 1]);
        if (f.get("model").size() > 1) f.put("model", List.of(f.get("model").get(1)));
        return transcribe(wav, "audio.wav", f);
    }

    public HttpResponse<byte[]> speech(String json) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .timeout(Duration.ofMinutes(2)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    public HttpResponse<java.io.InputStream> speechStream(String json) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/audio/speech"))
                .timeout(Duration.ofMinutes(2)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
    }

    public String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A WAV file of 16-bit mono PCM. */
    public static byte[] wav(byte[] pcm16le, int rate) {
        ByteBuffer h = ByteBuffer.allocate(44 + pcm16le.length).order(ByteOrder.LITTLE_ENDIAN);
        h.put("RIFF".getBytes()).putInt(36 + pcm16le.length).put("WAVE".getBytes()).put("fmt ".getBytes()).putInt(16)
                .putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(pcm16le.length).put(pcm16le);
        return h.array();
    }

    /** What one vosk-protocol WebSocket session saw: every text message, and how it closed. */
    public static final class Session implements WebSocket.Listener {
        public final List<JsonObject> messages = java.util.Collections.synchronizedList(new ArrayList<>());
        public final CompletableFuture<Integer> closed = new CompletableFuture<>();
        public volatile long finalAtNanos;
        public volatile long eofAtNanos;
        private final StringBuilder text = new StringBuilder();
        public WebSocket ws;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                JsonObject m = new JsonObject(text.toString());
                text.setLength(0);
                if (m.containsKey("text")) finalAtNanos = System.nanoTime();
                messages.add(m);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }

        /** The concatenated text of all final results. */
        public String finalText() {
            List<String> t = new ArrayList<>();
            synchronized (messages) {
                for (JsonObject m : messages) if (m.containsKey("text") && !m.getString("text").isBlank()) t.add(m.getString("text"));
            }
            return String.join(" ", t);
        }

        public long partials() {
            synchronized (messages) {
                return messages.stream().filter(m -> m.containsKey("partial") && !m.getString("partial").isBlank()).count();
            }
        }

        public int awaitClose() throws Exception {
            return closed.get(60, TimeUnit.SECONDS);
        }
    }

    public Session connect() throws Exception {
        Session s = new Session();
        s.ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/audio/stream"), s).get(10, TimeUnit.SECONDS);
        return s;
    }

    /**
     * Streams PCM as vosk clients do: config, binary chunks, eof; waits until the server closes.
     * {@code realTime} paces the chunks like a microphone.
     */
    public Session stream(byte[] pcm, int rate, int chunkBytes, boolean realTime) throws Exception {
        Session s = connect();
        s.ws.sendText(new JsonObject().put("config", new JsonObject().put("sample_rate", rate).put("words", true)).encode(), true).get();
        long t0 = System.nanoTime();
        for (int i = 0; i < pcm.length; i += chunkBytes) {
            int n = Math.min(chunkBytes, pcm.length - i);
            s.ws.sendBinary(ByteBuffer.wrap(pcm, i, n), true).get();
            if (realTime) {
                long due = t0 + (long) ((i + n) / 2.0 / rate * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        s.eofAtNanos = System.nanoTime();
        s.ws.sendText("{\"eof\" : 1}", true).get();
        s.awaitClose();
        return s;
    }
}
