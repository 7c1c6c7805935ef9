package perception.tests.hostile.bench;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;

/**
 * Soak: 200 idle WebSockets (spread over /v1/audio/stream, /v1/video and /v1/realtime) plus 8
 * active sessions (4 voice streams at real-time pace, 4 video streams at 2 fps, scene analysis) for the given
 * duration; every 15 s it samples heap, RSS, threads and open fds, and at the end prints p50/p99
 * of the voice final-after-eof and video frame latencies. The gateway runs in this JVM, so the
 * figures include the clients. Usage: ./run-gateway bench soak [SECONDS] (default 600).
 */
public final class SoakBench {
    private static final List<Long> voiceMs = Collections.synchronizedList(new ArrayList<>());
    private static final List<Long> videoMs = Collections.synchronizedList(new ArrayList<>());
    private static final AtomicBoolean running = new AtomicBoolean(true);
    private static final AtomicLong failures = new AtomicLong();

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 600;
        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "none")) {
            HttpClient http = HttpClient.newHttpClient();
            List<WebSocket> idle = new ArrayList<>();
            String[] paths = {"/v1/audio/stream", "/v1/video", "/v1/realtime"};
            for (int i = 0; i < 200; i++) {
                idle.add(http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + gw.port() + paths[i % 3]),
                        new WebSocket.Listener() {
                        }).get(10, TimeUnit.SECONDS));
            }
            byte[] speech = SpeechFixtures.speak(SpeechFixtures.sentences().get(2), 16000);
            byte[] jpeg = jpeg();
            List<Thread> active = new ArrayList<>();
            for (int i = 0; i < 4; i++) active.add(daemon(() -> voice(gw.port(), speech)));
            for (int i = 0; i < 4; i++) active.add(daemon(() -> video(http, gw.port(), jpeg)));

            System.out.printf("%6s %10s %8s %8s %6s %8s %8s %s%n", "t(s)", "heap(MB)", "rss(MB)", "threads", "fds", "voice n", "video n", "idle open");
            long t0 = System.nanoTime();
            for (long next = 0; next <= seconds; next += 15) {
                long wait = t0 + next * 1_000_000_000L - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000);
                System.gc(); // heap after a collection: what is retained, not what is garbage
                long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
                long open = idle.stream().filter(w -> !w.isInputClosed()).count();
                System.out.printf("%6d %10d %8d %8d %6d %8d %8d %d%n", next, heap, rssMb(), ManagementFactory.getThreadMXBean().getThreadCount(),
                        fds(), voiceMs.size(), videoMs.size(), open);
            }
            running.set(false);
            for (Thread t : active) t.join(30_000);
            long h0 = System.nanoTime();
            int health = http.send(HttpRequest.newBuilder(URI.create(gw.url("/health"))).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
            System.out.printf("voice final after eof: n=%d p50=%d ms p99=%d ms%n", voiceMs.size(), pct(voiceMs, 50), pct(voiceMs, 99));
            System.out.printf("video frame round trip: n=%d p50=%d ms p99=%d ms%n", videoMs.size(), pct(videoMs, 50), pct(videoMs, 99));
            System.out.printf("failures=%d, /health %d in %d ms%n", failures.get(), health, (System.nanoTime() - h0) / 1_000_000);
            // where voice time goes: time waiting for a speech worker vs time inside Vosk (the gateway's own metrics)
            String metrics = http.send(HttpRequest.newBuilder(URI.create(gw.url("/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
            metrics.lines().filter(l -> !l.startsWith("#") && (l.contains("vosk-en") || l.contains("silero"))
                            || (l.startsWith("vertx_pool_queue") || l.startsWith("vertx_pool_usage")) && l.contains("speech"))
                    .forEach(l -> System.out.println("  " + l));
            idle.forEach(WebSocket::abort);
        }
        System.exit(0);
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void voice(int port, byte[] pcm) {
        SpeechClient client = new SpeechClient(port);
        while (running.get()) {
            try {
                SpeechClient.Session s = client.stream(pcm, 16000, 3200, true); // 0.1 s chunks at real-time pace
                voiceMs.add((s.finalAtNanos - s.eofAtNanos) / 1_000_000);
            } catch (Exception e) {
                failures.incrementAndGet();
            }
        }
    }

    private static void video(HttpClient http, int port, byte[] jpeg) {
        try {
            CompletableFuture<Void>[] answered = new CompletableFuture[] {new CompletableFuture<>()};
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/video"), new WebSocket.Listener() {
                final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        if ("frame.analysis".equals(new JsonObject(text.toString()).getString("type"))) answered[0].complete(null);
                        text.setLength(0);
                    }
                    w.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            while (running.get()) {
                answered[0] = new CompletableFuture<>();
                long t0 = System.nanoTime();
                ws.sendBinary(ByteBuffer.wrap(jpeg), true).get(10, TimeUnit.SECONDS);
                answered[0].get(30, TimeUnit.SECONDS);
                videoMs.add((System.nanoTime() - t0) / 1_000_000);
                long rest = 500 - (System.nanoTime() - t0) / 1_000_000; // 2 fps
                if (rest > 0) Thread.sleep(rest);
            }
            ws.abort();
        } catch (Exception e) {
            failures.incrementAndGet();
        }
    }

    private static byte[] jpeg() throws Exception {
        var img = new java.awt.image.BufferedImage(640, 480, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.LIGHT_GRAY);
        g.fillRect(0, 0, 640, 480);
        g.setColor(java.awt.Color.DARK_GRAY);
        g.fillOval(220, 120, 200, 240);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "jpg", out);
        return out.toByteArray();
    }

    private static long rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return -1;
    }

    private static long fds() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        if (sorted.isEmpty()) return -1;
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
