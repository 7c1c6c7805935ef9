package perception.tests.realtime.bench;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import perception.tests.TestGateway;
import perception.tests.realtime.RealtimeClient;
import perception.tests.realtime.SpokenTestModel;
import perception.tests.realtime.SpokenTurn;
import perception.tests.vision.VisionMedia;

/**
 * Voice first under load (issue #16): idle /v1/realtime sockets, camera sessions sending a 640×480
 * JPEG at 10 frames/s each to /v1/video (without waiting for answers, as a camera does), and voice
 * loops (connect, speak a question in real time, wait for the answer's first audio, hang up,
 * repeat) with the embedded test LLM. A voice turn is timed from the arrival of
 * input_audio_buffer.speech_stopped to the arrival of the first response.output_audio.delta.
 *
 * <p>Two phases in one gateway: the voice loops alone (a quarter of the duration, at least 20 s),
 * then everything together for the duration. Prints voice p50/p95/max per phase, frames analysed
 * and dropped per second, failed turns, the process's CPU (cores) per live voice loop while the voices run alone, and the process's RSS, threads and open fds at start, peak
 * and end (the gateway and the clients share this JVM). Extra arguments KEY=VALUE are gateway
 * settings, e.g. scheduler=fifo vision_threads=0 for the behaviour before the scheduler.
 *
 * <pre>./run-gateway bench voice-under-load [idle=100] [cameras=4] [voices=4] [seconds=120] [KEY=VALUE ...]</pre>
 */
public final class VoiceUnderLoadBench {
    private static final AtomicBoolean voicesOn = new AtomicBoolean(true);
    private static final AtomicBoolean camerasOn = new AtomicBoolean(true);
    private static final AtomicLong failures = new AtomicLong();
    private static final AtomicLong analysed = new AtomicLong();
    private static final AtomicLong dropped = new AtomicLong();
    private static volatile List<Long> turnMs = Collections.synchronizedList(new ArrayList<>());
    private static long peakRss, peakThreads, peakFds;

    public static void main(String[] args) throws Exception {
        int idle = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int cameras = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int voices = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 120;
        List<String> settings = new ArrayList<>(List.of("analyzers", "objects,faces", "llm_backend", "embedded",
                "llm_model_dir", SpokenTestModel.write(Files.createTempDirectory("spoken-llm")).toString(), "key_max_sessions", "100000"));
        for (int i = 4; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            settings.add(kv[0]);
            settings.add(kv[1]);
        }
        System.out.printf("voice under load: %d idle realtime sockets, %d cameras at 10 fps, %d voice loops, %d s; %d cores; settings %s%n",
                idle, cameras, voices, seconds, Runtime.getRuntime().availableProcessors(), settings.subList(6, settings.size()));
        List<SpokenTurn> questions = new ArrayList<>();
        for (String q : RealtimeLatencyBench.QUESTIONS) questions.add(SpokenTurn.of(q, 0.3, 1.5));
        byte[] jpeg = VisionMedia.photo("dog.jpg");
        try (TestGateway gw = TestGateway.start(settings.toArray(String[]::new))) {
            HttpClient http = HttpClient.newHttpClient();
            List<WebSocket> idleSockets = new ArrayList<>();
            for (int i = 0; i < idle; i++) {
                idleSockets.add(http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + gw.port() + "/v1/realtime"),
                        new WebSocket.Listener() {
                        }).get(10, TimeUnit.SECONDS));
            }
            settle(gw);
            String start = sample();
            System.out.printf("start: %s%n", start);

            List<Thread> voiceThreads = new ArrayList<>();
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os.getProcessCpuTime(), wall0 = System.nanoTime();
            for (int i = 0; i < voices; i++) {
                int first = i;
                voiceThreads.add(daemon(() -> voiceLoop(gw.port(), questions, first)));
            }
            int alone = Math.max(20, seconds / 4);
            watch(alone);
            // CPU of the whole process (gateway and clients; the clients only send prepared audio) while only the voices run
            double aloneCores = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
            List<Long> aloneMs = turnMs;
            long aloneFailures = failures.getAndSet(0);
            turnMs = Collections.synchronizedList(new ArrayList<>());

            List<Thread> cameraThreads = new ArrayList<>();
            for (int i = 0; i < cameras; i++) cameraThreads.add(daemon(() -> camera(http, gw.port(), jpeg)));
            long a0 = analysed.get(), d0 = dropped.get(), t0 = System.nanoTime();
            watch(seconds);
            long a1 = analysed.get(), d1 = dropped.get();
            double elapsed = (System.nanoTime() - t0) / 1e9;
            voicesOn.set(false);
            for (Thread t : voiceThreads) t.join(30_000);
            camerasOn.set(false);
            for (Thread t : cameraThreads) t.join(30_000);
            idleSockets.forEach(WebSocket::abort);
            long open = idleSockets.size();
            Thread.sleep(2000);
            System.gc();
            String end = sample();

            System.out.printf("%nvoice alone (%d s): %s, failed turns %d%n", alone, stats(aloneMs), aloneFailures);
            System.out.printf("CPU while the voices ran alone: %.2f cores in all, %.2f per live voice loop (%d loops)%n",
                    aloneCores, aloneCores / Math.max(1, voices), voices);
            System.out.printf("voice with %d cameras (%d s): %s, failed turns %d%n", cameras, seconds, stats(turnMs), failures.get());
            System.out.printf("video: %.1f frames analysed/s in total, %.1f dropped/s (sent %d/s)%n",
                    (a1 - a0) / elapsed, (d1 - d0) / elapsed, cameras * 10);
            System.out.printf("memory: start %s | peak rss %d MB, threads %d, fds %d | end %s (%d idle sockets closed)%n",
                    start, peakRss, peakThreads, peakFds, end, open);
            System.out.printf("load average at the end: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
        }
        System.exit(0);
    }

    /** Waits until the idle sessions are set up (each opens a recogniser on the speech pool when it connects). */
    private static void settle(TestGateway gw) throws Exception {
        var meters = gw.gateway().context().meters();
        long t0 = System.nanoTime();
        for (int quiet = 0; quiet < 10; ) {
            Thread.sleep(100);
            double busy = meters.find("perception.pool.waiting").gauges().stream().mapToDouble(g -> g.value()).sum()
                    + meters.find("perception.pool.running").gauges().stream().mapToDouble(g -> g.value()).sum();
            quiet = busy == 0 ? quiet + 1 : 0;
            if (System.nanoTime() - t0 > 600_000_000_000L) throw new IllegalStateException("the idle sessions did not settle in 10 minutes");
        }
        System.out.printf("idle sessions set up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** Samples resources every 5 s for the given time, printing a line every 30 s. */
    private static void watch(int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        int n = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(Math.min(5000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            String s = sample();
            if (++n % 6 == 0) System.out.printf("  %s; turns %d (%s), frames analysed %d%n", s, turnMs.size(), stats(turnMs), analysed.get());
        }
    }

    private static void voiceLoop(int port, List<SpokenTurn> questions, int first) {
        for (int t = first; voicesOn.get(); t++) {
            SpokenTurn q = questions.get(t % questions.size());
            try (RealtimeClient c = new RealtimeClient(port)) {
                c.await("session.created", 10_000);
                long[] sent = c.speak(q.audio());
                long end = sent[q.lastSpeechChunk()];
                JsonObject stopped = c.await(e -> "input_audio_buffer.speech_stopped".equals(e.getString("type")), 10_000);
                JsonObject audio = c.await(e -> "response.output_audio.delta".equals(e.getString("type")) && c.arrival(e) >= end, 10_000);
                turnMs.add((c.arrival(audio) - c.arrival(stopped)) / 1_000_000);
            } catch (Throwable e) {
                if (voicesOn.get()) {
                    failures.incrementAndGet();
                    System.out.println("  failed turn: " + e.getMessage());
                }
            }
        }
    }

    /** Sends a frame every 100 ms whatever the answers; counts the analyses and the server's dropped count. */
    private static void camera(HttpClient http, int port, byte[] jpeg) {
        long[] lastDropped = {0};
        try {
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/video"), new WebSocket.Listener() {
                final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        JsonObject e = new JsonObject(text.toString());
                        text.setLength(0);
                        if ("frame.analysis".equals(e.getString("type"))) {
                            analysed.incrementAndGet();
                            long d = e.getLong("dropped");
                            dropped.addAndGet(d - lastDropped[0]);
                            lastDropped[0] = d;
                        }
                    }
                    w.request(1);
                    return null;
                }
            }).get(10, TimeUnit.SECONDS);
            long next = System.nanoTime();
            while (camerasOn.get()) {
                ws.sendBinary(ByteBuffer.wrap(jpeg), true).get(10, TimeUnit.SECONDS);
                next += 100_000_000L;
                long wait = next - System.nanoTime();
                if (wait > 0) Thread.sleep(wait / 1_000_000);
            }
            ws.abort();
        } catch (Exception e) {
            if (camerasOn.get()) {
                failures.incrementAndGet();
                System.out.println("  camera failed: " + e);
            }
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String sample() throws Exception {
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        long threads = ManagementFactory.getThreadMXBean().getThreadCount();
        long fds;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        }
        synchronized (VoiceUnderLoadBench.class) {
            peakRss = Math.max(peakRss, rss);
            peakThreads = Math.max(peakThreads, threads);
            peakFds = Math.max(peakFds, fds);
        }
        return String.format("rss %d MB, threads %d, fds %d", rss, threads, fds);
    }

    private static String stats(List<Long> values) {
        List<Long> s;
        synchronized (values) {
            s = new ArrayList<>(values);
        }
        if (s.isEmpty()) return "no turns";
        Collections.sort(s);
        return String.format("%d turns, speech_stopped → first audio p50 %d ms, p95 %d ms, max %d ms", s.size(),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(0.5 * s.size()) - 1)),
                s.get(Math.min(s.size() - 1, (int) Math.ceil(0.95 * s.size()) - 1)), s.get(s.size() - 1));
    }
}
