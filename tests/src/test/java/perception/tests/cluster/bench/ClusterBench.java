package perception.tests.cluster.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import perception.gateway.Gateway;
import perception.gateway.core.BusSession;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.Workers;
import perception.gateway.speech.SpeechFeature;
import perception.gateway.vision.AnalyzeImage;
import perception.gateway.vision.VisionFeature;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechFixtures;
import perception.tests.vision.VisionMedia;
import perception.vision.Frame;
import perception.vision.ImageDecoder;

/**
 * Cluster benchmark (numbers go in docs/benchmarks.md): in one JVM, a clustered gateway node (no models) and a
 * worker node (speech + vision), talking over the clustered event bus on 127.0.0.1 exactly as
 * separate machines would (TCP, wire codecs). Measures, in the same run, one call from the worker's
 * own node (local delivery, no copy) against the same call from the gateway node (the remote hop):
 * a 640×480 JPEG frame analysis and a 100 ms speech chunk. Then frames per second from the gateway
 * with one worker, and with a second worker joined. Run: {@code ./run-gateway bench cluster [SECONDS]}.
 */
public final class ClusterBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        System.out.printf(Locale.ROOT, "cluster benchmark: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        int[] ports = {freePort(), freePort(), freePort()};
        String members = "127.0.0.1:" + ports[0] + ",127.0.0.1:" + ports[1] + ",127.0.0.1:" + ports[2];
        Gateway worker = start("worker", ports[1], members);
        Gateway gateway = start("gateway", ports[0], members);
        awaitWorkers(gateway, 1);
        byte[] jpeg = jpeg640x480();
        Vertx local = worker.vertx();
        Vertx remote = gateway.vertx();

        System.out.println("\none call, sequential (the same worker answers both; local = from its own node)");
        double[] l = frames(local, jpeg, 10, 60);
        double[] r = frames(remote, jpeg, 10, 60);
        row("frame analysis 640x480 JPEG (objects)", l, r);
        byte[] chunk = Arrays.copyOf(SpeechFixtures.speak("hello world, this is a test of the speech chunk", 16000), 3200); // 100 ms at 16 kHz
        l = chunks(local, chunk, 10, 100);
        r = chunks(remote, chunk, 10, 100);
        row("speech chunk 100 ms (streaming recogniser)", l, r);

        System.out.printf(Locale.ROOT, "%nthroughput from the gateway node, 4 frames in flight, %d s each%n", seconds);
        double one = throughput(remote, jpeg, 4, seconds);
        System.out.printf(Locale.ROOT, "  1 worker : %6.1f frames/s%n", one);
        Gateway second = start("worker", ports[2], members);
        awaitWorkers(gateway, 2);
        double two = throughput(remote, jpeg, 4, seconds);
        System.out.printf(Locale.ROOT, "  2 workers: %6.1f frames/s (x%.2f; both workers share this machine's %d cores)%n", two, two / one,
                Runtime.getRuntime().availableProcessors());
        for (Gateway g : List.of(gateway, second, worker)) g.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        System.exit(0);
    }

    static Gateway start(String role, int port, String members) throws Exception {
        GatewayConfig config = GatewayConfig.load(new String[] {"--port", "0", "--cluster", "true", "--role", role, "--cluster-port",
                String.valueOf(port), "--cluster-members", members, "--analyzers", "objects", "--llm-backend", "none", "--senses", "speech,vision",
                "--models-dir", TestGateway.modelsDir().toString(), "--inference-threads", "2", "--log-level", "warn"}, Map.of());
        Gateway g = Gateway.start(config).toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
        g.loaded().toCompletionStage().toCompletableFuture().get(3, TimeUnit.MINUTES);
        return g;
    }

    /** Waits until the gateway node has heard n workers announce themselves (what its /ready lists). */
    static void awaitWorkers(Gateway gateway, int n) throws Exception {
        for (int i = 0; i < 480; i++) {
            if (Workers.of(gateway.context()).toJson().getJsonArray("workers").size() == n) return;
            Thread.sleep(250);
        }
        throw new IllegalStateException("the gateway node does not see " + n + " workers");
    }

    static double[] frames(Vertx from, byte[] jpeg, int warm, int n) throws Exception {
        double[] ms = new double[n];
        for (int i = -warm; i < n; i++) {
            long t0 = System.nanoTime();
            Workers.request(from, VisionFeature.ANALYZE, new AnalyzeImage(jpeg, Set.of("objects"), null, false), new DeliveryOptions().setSendTimeout(60_000), true)
                    .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        return ms;
    }

    static double[] chunks(Vertx from, byte[] pcm, int warm, int n) throws Exception {
        // a BusSession opens through Workers (this node first, else a worker) and talks to the session's address
        BusSession session = new BusSession(from, SpeechFeature.TRANSCRIBE_STREAM_OPEN, new JsonObject().put("sample_rate", 16000).put("words", false));
        double[] ms = new double[n];
        for (int i = -warm; i < n; i++) {
            long t0 = System.nanoTime();
            session.request(Buffer.buffer(pcm)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (i >= 0) ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        session.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return ms;
    }

    static double throughput(Vertx from, byte[] jpeg, int inFlight, int seconds) throws Exception {
        AtomicLong done = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < inFlight; c++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        Workers.request(from, VisionFeature.ANALYZE, new AnalyzeImage(jpeg, Set.of("objects"), null, false), new DeliveryOptions().setSendTimeout(60_000), true)
                                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                        if (running.get()) done.incrementAndGet();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            t.start();
            callers.add(t);
        }
        Thread.sleep(2000); // warm: both workers busy
        long before = done.get();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        double rate = (done.get() - before) / ((System.nanoTime() - t0) / 1e9);
        running.set(false);
        for (Thread t : callers) t.join(60_000);
        return rate;
    }

    static void row(String what, double[] local, double[] remote) {
        double lm = median(local), rm = median(remote);
        System.out.printf(Locale.ROOT, "  %-44s local %8.2f ms (p95 %8.2f)   remote %8.2f ms (p95 %8.2f)   hop %+7.2f ms%n", what, lm,
                pct(local, 95), rm, pct(remote, 95), rm - lm);
    }

    static double median(double[] v) {
        return pct(v, 50);
    }

    static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    static byte[] jpeg640x480() throws Exception {
        Frame dog = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(VisionMedia.photo("dog.jpg"));
        try (Mat src = dog.toMat(); Mat dst = new Mat(); BytePointer buf = new BytePointer()) {
            resize(src, dst, new Size(640, 480), 0, 0, INTER_LINEAR);
            imencode(".jpg", dst, buf, new IntPointer(IMWRITE_JPEG_QUALITY, 90));
            byte[] b = new byte[(int) buf.limit()];
            buf.get(b);
            return b;
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
