package perception.tests.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.onnx.testmodel.TestModelFolder;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;

/**
 * Seeded fuzzing of every endpoint through real sockets: mutated JSON bodies, multipart uploads of
 * mutated WAV/PNG/JPEG/video files, odd methods and paths, garbage request lines, and WebSocket
 * sessions of mutated frames on /v1/audio/stream, /v1/realtime and /v1/video. Passes when no reply
 * is a 5xx, no WebSocket closes with 1011, nothing hangs, every error is in the OpenAI error shape,
 * and /health answers in under 100 ms afterwards. The test runs 1,000 cases; as a benchmark
 * ({@code ./run-gateway bench fuzz [CASES] [SEED]}) 10,000 by default.
 */
class FuzzTest {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void thousandMutatedRequestsFramesAndFilesGetNo5xxAndNoHangs() throws Exception {
        Report r = run(temp, 1000, 12L);
        System.out.println(r);
        assertTrue(r.failures.isEmpty(), r.failures.size() + " failures, first: " + r.failures.stream().limit(5).toList());
        assertEquals(1000, r.cases.get());
        assertTrue(r.healthMillis < 100, "/health after the fuzzing took " + r.healthMillis + " ms");
    }

    /**
     * Cases the 10,000-case benchmark (seed 12) once failed: multipart bodies whose part headers are
     * mangled (e.g. {@code filename?"f.bin"}), on which Netty's decoder throws and the connection
     * used to be closed with no reply. Each must now get a 400 in the error shape.
     */
    @Test
    void casesTheBenchmarkFoundGetA400InTheErrorShape() throws Exception {
        try (TestGateway gw = gateway(temp)) {
            Seeds seeds = new Seeds();
            Report r = new Report();
            HttpClient http = HttpClient.newHttpClient();
            for (long seed : List.of(12006335L, 12006566L, 12008746L, 12008858L)) {
                Case c = new Case(gw.port(), http, new Random(seed), seeds, r);
                c.run(); // a connection closed without a reply throws here
                assertTrue(c.what.contains("/v1/images/describe") || c.what.contains("/v1/videos/analyze"), c.what);
            }
            assertTrue(r.failures.isEmpty(), r.failures.toString());
            assertEquals(4, r.errors4xx.get(), "each case answered with a 4xx: " + r);
        }
    }

    static TestGateway gateway(Path dir) throws Exception {
        Path model = TestModelFolder.write(dir.resolve("tiny-chat"), TestModelFolder.Kind.TEXT_CHECKSUM);
        return TestGateway.start("analyzers", "", "llm_backend", "embedded", "llm_model_dir", model.toString(),
                "max_body_mb", "4", "body_timeout_s", "20", "header_timeout_s", "5");
    }

    public static void main(String[] args) throws Exception {
        int cases = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 12L;
        Path dir = Files.createTempDirectory("fuzz");
        long t0 = System.nanoTime();
        Report r = run(dir, cases, seed);
        System.out.println(r + String.format(" in %.1f s", (System.nanoTime() - t0) / 1e9));
        r.failures.stream().limit(20).forEach(System.out::println);
        System.exit(r.failures.isEmpty() && r.healthMillis < 100 ? 0 : 1);
    }

    /** What a run saw. */
    static final class Report {
        final AtomicInteger cases = new AtomicInteger();
        final AtomicInteger http = new AtomicInteger();
        final AtomicInteger sockets = new AtomicInteger();
        final AtomicInteger errors4xx = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long healthMillis;

        @Override
        public String toString() {
            return String.format("fuzz: %d cases (%d HTTP, %d WebSocket sessions), %d 4xx replies, %d failures, /health afterwards %d ms",
                    cases.get(), http.get(), sockets.get(), errors4xx.get(), failures.size(), healthMillis);
        }
    }

    static Report run(Path dir, int cases, long seed) throws Exception {
        try (TestGateway gw = gateway(dir)) {
            Seeds seeds = new Seeds();
            Report report = new Report();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < cases; i++) {
                long caseSeed = seed * 1_000_003L + i;
                fs.add(pool.submit(() -> {
                    Case c = new Case(gw.port(), http, new Random(caseSeed), seeds, report);
                    try {
                        c.run();
                    } catch (Exception e) {
                        report.failures.add("case " + caseSeed + " (" + c.what + "): " + e);
                    }
                    report.cases.incrementAndGet();
                }));
            }
            for (Future<?> f : fs) f.get(30, TimeUnit.MINUTES);
            pool.shutdown();
            Thread.sleep(500); // let the last closes settle
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                var h = http.send(HttpRequest.newBuilder(URI.create(gw.url("/health"))).build(), HttpResponse.BodyHandlers.ofString());
                if (h.statusCode() != 200) report.failures.add("/health answered " + h.statusCode());
                best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
            }
            report.healthMillis = best;
            return report;
        }
    }

    /** Valid inputs that the mutations start from. */
    static final class Seeds {
        final byte[] wav = SpeechClient.wav(SpeechFixtures.speak("Hello there.", 16000), 16000);
        final byte[] pcm = SpeechFixtures.speak("One two.", 16000);
        final byte[] png = image("png");
        final byte[] jpeg = image("jpg");
        final List<String> json = List.of(
                "{\"model\":\"tiny-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":4}",
                "{\"model\":\"tiny-chat\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"max_tokens\":3}",
                "{\"model\":\"tts-1\",\"input\":\"Hello.\",\"voice\":\"alloy\",\"response_format\":\"pcm\",\"speed\":1.5}",
                "{\"model\":\"tts-1\",\"input\":\"Good day to you.\",\"response_format\":\"wav\"}");
        final List<String> realtime = List.of(
                "{\"type\":\"session.update\",\"session\":{\"instructions\":\"be brief\",\"turn_detection\":null}}",
                "{\"type\":\"input_audio_buffer.append\",\"audio\":\"" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(pcm, 3200)) + "\"}",
                "{\"type\":\"input_audio_buffer.commit\"}",
                "{\"type\":\"input_audio_buffer.clear\"}",
                "{\"type\":\"conversation.item.create\",\"item\":{\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}}",
                "{\"type\":\"response.create\",\"response\":{\"modalities\":[\"text\"]}}",
                "{\"type\":\"response.cancel\"}");
        final List<String> video = List.of("{\"type\":\"session.update\",\"analyzers\":[\"scene\"],\"fps\":5}",
                "{\"type\":\"frame.info\",\"timestamp\":1}", "{\"type\":\"session.update\",\"prompt\":\"what\"}");

        private static byte[] image(String format) {
            BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 48; y++) for (int x = 0; x < 64; x++) img.setRGB(x, y, (x * 4) << 16 | (y * 5) << 8 | (x ^ y));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                ImageIO.write(img, format, out);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return out.toByteArray();
        }
    }

    /** One fuzz case: a random target and a random mutation, checked for 5xx, 1011, hangs and shape. */
    static final class Case {
        final int port;
        final HttpClient http;
        final Random rnd;
        final Seeds seeds;
        final Report report;
        String what = "?";

        Case(int port, HttpClient http, Random rnd, Seeds seeds, Report report) {
            this.port = port;
            this.http = http;
            this.rnd = rnd;
            this.seeds = seeds;
            this.report = report;
        }

        void run() throws Exception {
            int pick = rnd.nextInt(100);
            if (pick < 18) json(rnd.nextBoolean() ? "/v1/chat/completions" : "/v1/audio/speech");
            else if (pick < 32) multipart("/v1/audio/transcriptions", "file", mutate(seeds.wav), "model", "whisper-1");
            else if (pick < 44) multipart("/v1/images/describe", "file", mutate(rnd.nextBoolean() ? seeds.png : seeds.jpeg), "analyzers", "scene");
            else if (pick < 50) multipart("/v1/videos/analyze", "file", mutate(seeds.jpeg), "fps", "1");
            else if (pick < 60) oddRequest();
            else if (pick < 66) rawGarbage();
            else if (pick < 76) socket("/v1/audio/stream");
            else if (pick < 88) socket("/v1/realtime");
            else socket("/v1/video");
        }

        byte[] mutate(byte[] seed) {
            byte[] b = seed.clone();
            int n = 1 + rnd.nextInt(4);
            for (int i = 0; i < n && b.length > 0; i++) {
                switch (rnd.nextInt(6)) {
                    case 0 -> b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);                 // flip a byte
                    case 1 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));           // truncate
                    case 2 -> {                                                                    // a boundary value
                        int p = rnd.nextInt(Math.max(1, b.length - 4));
                        int v = List.of(0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff).get(rnd.nextInt(5));
                        for (int k = 0; k < 4 && p + k < b.length; k++) b[p + k] = (byte) (v >> (8 * k));
                    }
                    case 3 -> {                                                                    // duplicate a range
                        int from = rnd.nextInt(b.length), len = Math.min(b.length - from, 1 + rnd.nextInt(512));
                        byte[] out = new byte[b.length + len];
                        System.arraycopy(b, 0, out, 0, from + len);
                        System.arraycopy(b, from, out, from + len, b.length - from);
                        b = out;
                    }
                    case 4 -> {                                                                    // delete a range
                        int from = rnd.nextInt(b.length), len = Math.min(b.length - from, 1 + rnd.nextInt(64));
                        byte[] out = new byte[b.length - len];
                        System.arraycopy(b, 0, out, 0, from);
                        System.arraycopy(b, from + len, out, from, b.length - from - len);
                        b = out;
                    }
                    default -> { }                                                                 // keep (a valid case now and then)
                }
            }
            return b;
        }

        /** JSON-aware mutation: replace a value with one of another type or size, or mangle the bytes. */
        String mutateJson(String seed) {
            if (rnd.nextInt(3) == 0) return new String(mutate(seed.getBytes(StandardCharsets.UTF_8)), StandardCharsets.ISO_8859_1);
            JsonObject o = new JsonObject(seed);
            List<String> keys = new ArrayList<>(o.fieldNames());
            String key = rnd.nextInt(5) == 0 ? "unknown_" + rnd.nextInt(9) : keys.get(rnd.nextInt(keys.size()));
            Object[] values = {null, -1, 1e308, Long.MAX_VALUE, "", "x".repeat(rnd.nextInt(5000)), new JsonArray().add(1).add("a"),
                    new JsonObject().put("a", new JsonObject().put("b", new JsonArray())), true, "\u0000\ud800", 0.0};
            o.put(key, values[rnd.nextInt(values.length)]);
            return o.encode();
        }

        void json(String path) throws Exception {
            what = "POST " + path;
            String body = mutateJson(seeds.json.get(path.contains("chat") ? rnd.nextInt(2) : 2 + rnd.nextInt(2)));
            String type = rnd.nextInt(10) == 0 ? "text/plain" : "application/json";
            check(http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(TIMEOUT).header("content-type", type)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }

        void multipart(String path, String fileField, byte[] file, String... fields) throws Exception {
            what = "POST " + path;
            String boundary = "fuzz" + rnd.nextInt(1_000_000);
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int i = 0; i < fields.length; i += 2) {
                String v = rnd.nextInt(4) == 0 ? new String(mutate(fields[i + 1].getBytes()), StandardCharsets.ISO_8859_1) : fields[i + 1];
                body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fields[i] + "\"\r\n\r\n" + v + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"f.bin\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(file);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
            byte[] bytes = rnd.nextInt(8) == 0 ? mutate(body.toByteArray()) : body.toByteArray(); // sometimes the framing itself
            check(http.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(TIMEOUT)
                    .header("content-type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofByteArray()));
        }

        void oddRequest() throws Exception {
            List<String> paths = List.of("/v1/models", "/health", "/ready", "/v1/chat/completions", "/v1/audio/speech", "/nope/" + rnd.nextInt(),
                    "/v1/../etc/passwd", "/%00", "/js/../../x", "/v1/video", "/index.html", "/v1/models?x=" + "y".repeat(rnd.nextInt(3000)));
            List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FUZZ" + rnd.nextInt(50));
            String path = paths.get(rnd.nextInt(paths.size()));
            String method = methods.get(rnd.nextInt(methods.size()));
            what = method + " " + path;
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path.replace("%00", "%2500")))).timeout(TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(mutate("{\"a\":1}".getBytes())));
            if (rnd.nextBoolean()) b.header("Origin", rnd.nextBoolean() ? "https://evil.example" : "http://localhost:1");
            if (rnd.nextBoolean()) b.header("content-type", rnd.nextBoolean() ? "application/json" : "multipart/form-data");
            check(http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray()));
        }

        /** A mangled request straight on the socket: the reply must still be a 4xx in the error shape. */
        void rawGarbage() throws Exception {
            what = "raw request";
            byte[] req = mutate(("POST /v1/audio/speech HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"input\":\"Hello\"}")
                    .getBytes(StandardCharsets.ISO_8859_1));
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout((int) TIMEOUT.toMillis());
                OutputStream out = s.getOutputStream();
                out.write(req);
                out.flush();
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] head = in.readNBytes(12);
                report.http.incrementAndGet();
                if (head.length < 12) return; // closed without a reply: a cut request may never become one
                String status = new String(head, StandardCharsets.ISO_8859_1);
                if (status.startsWith("HTTP/") && status.charAt(9) == '5') report.failures.add(what + " answered " + status + " to " + new String(req, StandardCharsets.ISO_8859_1));
            } catch (java.net.SocketTimeoutException e) {
                report.failures.add(what + ": no reply and no close within " + TIMEOUT.toSeconds() + " s (hang)");
            }
        }

        void check(HttpResponse<byte[]> r) {
            report.http.incrementAndGet();
            int status = r.statusCode();
            if (status >= 500) {
                report.failures.add(what + " answered " + status + ": " + new String(r.body(), StandardCharsets.UTF_8));
            } else if (status >= 400) {
                report.errors4xx.incrementAndGet();
                if (!r.request().method().equals("HEAD")) shape(new String(r.body(), StandardCharsets.UTF_8), what + " " + status);
            }
        }

        void shape(String body, String where) {
            try {
                JsonObject e = new JsonObject(body).getJsonObject("error");
                if (e == null || !(e.getValue("message") instanceof String) || !(e.getValue("type") instanceof String) || !e.containsKey("code")) {
                    report.failures.add(where + ": error not in the OpenAI shape: " + body);
                }
            } catch (RuntimeException ex) {
                report.failures.add(where + ": error body is not JSON: " + body);
            }
        }

        void socket(String path) throws Exception {
            what = "WS " + path;
            report.sockets.incrementAndGet();
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            ConcurrentLinkedQueue<String> texts = new ConcurrentLinkedQueue<>();
            WebSocket ws;
            try {
                ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            texts.add(text.toString());
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
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
                        closed.complete(-1);
                    }
                }).get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                report.failures.add(what + ": the handshake hung");
                return;
            }
            int messages = 1 + rnd.nextInt(5);
            try {
                for (int i = 0; i < messages && !closed.isDone(); i++) {
                    if (path.endsWith("stream")) {
                        if (i == 0 && rnd.nextBoolean()) ws.sendText(mutateJson("{\"config\":{\"sample_rate\":16000,\"words\":true}}"), true).get(10, TimeUnit.SECONDS);
                        else if (rnd.nextInt(5) == 0) ws.sendText(rnd.nextBoolean() ? "{\"eof\":1}" : mutateJson("{\"eof\":1}"), true).get(10, TimeUnit.SECONDS);
                        else ws.sendBinary(ByteBuffer.wrap(mutate(java.util.Arrays.copyOf(seeds.pcm, 3200 * (1 + rnd.nextInt(5))))), true).get(10, TimeUnit.SECONDS);
                    } else if (path.endsWith("realtime")) {
                        if (rnd.nextInt(10) == 0) ws.sendBinary(ByteBuffer.wrap(mutate(seeds.pcm)), true).get(10, TimeUnit.SECONDS);
                        else ws.sendText(mutateJson(seeds.realtime.get(rnd.nextInt(seeds.realtime.size()))), true).get(10, TimeUnit.SECONDS);
                    } else {
                        if (rnd.nextInt(3) == 0) ws.sendText(mutateJson(seeds.video.get(rnd.nextInt(seeds.video.size()))), true).get(10, TimeUnit.SECONDS);
                        else ws.sendBinary(ByteBuffer.wrap(mutate(seeds.jpeg)), true).get(10, TimeUnit.SECONDS);
                    }
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // the server closed the socket while we sent: fine, its close code is checked below
            } catch (java.util.concurrent.TimeoutException e) {
                report.failures.add(what + ": a send hung for 10 s");
            }
            try {
                closed.get(100 + rnd.nextInt(300), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(x -> null);
                try {
                    closed.get(20, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e2) {
                    ws.abort();
                    report.failures.add(what + ": no close answer within 20 s (hang)");
                }
            }
            if (closed.getNow(0) == 1011) report.failures.add(what + ": closed with 1011 (internal error): " + texts);
            for (String t : texts) {
                JsonObject m;
                try {
                    m = new JsonObject(t);
                } catch (RuntimeException e) {
                    report.failures.add(what + ": a text message is not JSON: " + t);
                    continue;
                }
                if (m.getValue("error") instanceof JsonObject) shape(new JsonObject().put("error", m.getJsonObject("error")).encode(), what);
                if ("error".equals(m.getString("type")) && !(m.getValue("error") instanceof JsonObject)) {
                    report.failures.add(what + ": error event without an error object: " + t);
                }
            }
        }

        String url(String path) {
            return "http://127.0.0.1:" + port + path;
        }
    }
}
