package perception.tests.hostile.bench;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import perception.tests.TestGateway;
import perception.tests.hostile.HostileMedia;
import perception.tests.speech.SpeechClient;

/**
 * Issue #29 item 4: does the process give memory back after bursts? Rounds of a burst (large JPEGs
 * to /v1/images/describe, high-rate FLAC transcriptions, long /v1/audio/speech answers, four at a
 * time), each followed by an idle spell; RSS is sampled every 5 s and the peak (VmHWM) per round.
 * Run through {@code ./run-gateway bench burst-memory [ROUNDS] [IDLE_SECONDS] [--no-trim]} so that the
 * gateway has the launcher's JVM and malloc settings; {@code --no-trim} sets native_trim_s 0.
 */
public final class BurstMemoryBench {
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 && !args[0].startsWith("--") ? Integer.parseInt(args[0]) : 3;
        int idle = args.length > 1 && !args[1].startsWith("--") ? Integer.parseInt(args[1]) : 60;
        boolean trim = !List.of(args).contains("--no-trim");
        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "none", "max_body_mb", "64",
                "native_trim_s", trim ? "15" : "0", "inference_threads", "2")) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            SpeechClient speech = new SpeechClient(gw.port());
            byte[] jpeg = noisyJpeg(6000, 5000);
            byte[] flac = HostileMedia.silentFlac(192_000, 240, 240);
            StringBuilder text = new StringBuilder();
            for (int i = 1; text.length() < 4000; i++) text.append("This is sentence number ").append(i).append(", read out loud. ");
            String tts = new JsonObject().put("input", text.toString().strip()).put("response_format", "pcm").encode();
            System.out.printf("burst: 6 JPEGs of 6000x5000 (%d KB), 2 FLACs of 240 s at 192 kHz, 2 speech answers of 4,000 characters;"
                    + " malloc_trim %s, MALLOC_ARENA_MAX=%s%n", jpeg.length / 1024, trim ? "every 15 s" : "off", System.getenv("MALLOC_ARENA_MAX"));
            System.out.printf("%6s %6s %9s %9s %9s%n", "round", "t(s)", "rss(MB)", "heap(MB)", "phase");
            long start = rssMb();
            System.out.printf("%6d %6d %9d %9d %9s%n", 0, 0, start, heapMb(), "start");
            ExecutorService pool = Executors.newFixedThreadPool(4);
            long t0 = System.nanoTime();
            for (int round = 1; round <= rounds; round++) {
                Files.writeString(Path.of("/proc/self/clear_refs"), "5"); // VmHWM from here
                List<Future<Integer>> jobs = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    jobs.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(gw.url("/v1/images/describe")))
                            .timeout(Duration.ofMinutes(5)).header("content-type", "image/jpeg")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(jpeg)).build(), HttpResponse.BodyHandlers.discarding()).statusCode()));
                }
                for (int i = 0; i < 2; i++) {
                    jobs.add(pool.submit(() -> speech.transcribe(flac, "silence.flac", new java.util.LinkedHashMap<>(
                            java.util.Map.of("model", List.of("whisper-1")))).statusCode()));
                    jobs.add(pool.submit(() -> speech.speech(tts).statusCode()));
                }
                List<Integer> codes = new ArrayList<>();
                for (Future<Integer> f : jobs) codes.add(f.get());
                long peak = peakRssMb();
                System.out.printf("%6d %6d %9d %9d %9s  (peak of the burst; replies %s)%n", round, secs(t0), peak, heapMb(), "burst", codes);
                for (int s = 5; s <= idle; s += 5) {
                    Thread.sleep(5000);
                    System.out.printf("%6d %6d %9d %9d %9s%n", round, secs(t0), rssMb(), heapMb(), "idle " + s + "s");
                }
            }
            pool.shutdownNow();
            System.out.printf("start %d MB; after the last idle spell %d MB%n", start, rssMb());
        }
    }

    private static long secs(long t0) {
        return (System.nanoTime() - t0) / 1_000_000_000L;
    }

    /** A JPEG of noise (so it does not compress to nothing), encoded once. */
    static byte[] noisyJpeg(int w, int h) throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random rnd = new java.util.Random(29);
        for (int y = 0; y < h; y += 4) {
            for (int x = 0; x < w; x += 4) {
                int rgb = rnd.nextInt(0xFFFFFF);
                for (int dy = 0; dy < 4; dy++) for (int dx = 0; dx < 4; dx++) img.setRGB(x + dx, y + dy, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "jpeg", out);
        return out.toByteArray();
    }

    private static long heapMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    private static long rssMb() throws Exception {
        return status("VmRSS:");
    }

    private static long peakRssMb() throws Exception {
        return status("VmHWM:");
    }

    private static long status(String key) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return -1;
    }
}
