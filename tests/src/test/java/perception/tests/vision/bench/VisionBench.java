package perception.tests.vision.bench;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.ModelCatalog;
import perception.tests.TestGateway;
import perception.tests.vision.VisionMedia;
import perception.vision.Analyzer;
import perception.vision.Frame;
import perception.vision.Frames;
import perception.vision.ImageDecoder;
import perception.vision.ObjectDetector;
import perception.vision.OnnxModel;
import perception.vision.Vision;

/**
 * Vision benchmark (numbers go in docs/benchmarks.md): decode + preprocess of a 640×480 JPEG; each analyzer's
 * latency and its overhead beyond the bare ONNX Runtime run(); frames per second sustained over the
 * /v1/video WebSocket; memory under a 60 fps flood. Run:
 * {@code mvn -B -o -Dmodels.skip=true -pl tests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=perception.tests.vision.bench.VisionBench [-Dexec.args="20"]} (args: flood seconds, then "ws" or "models" for one part alone).
 */
public final class VisionBench {
    public static void main(String[] args) throws Exception {
        int floodSeconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        System.out.printf(Locale.ROOT, "vision benchmark: %d cores, Java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        byte[] jpeg = jpeg640x480();
        if (args.length > 1 && args[1].equals("ws")) { // only the WebSocket part
            websocket(jpeg, floodSeconds);
            return;
        }
        ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);
        Frame frame = decoder.decode(jpeg);
        stat("decode 640x480 JPEG", 20, 100, () -> decoder.decode(jpeg));
        stat("decode + YOLOX letterbox/preprocess", 20, 100, () -> ObjectDetector.preprocess(decoder.decode(jpeg), 416.0 / 640));

        // ORT's own default (a session sizes itself to every core, as before the thread budget) and the
        // budget the gateway uses (cores / inference_threads per session), one after the other in this run
        int budget = GatewayConfig.defaults().intraOpThreads();
        for (int threads : new int[] {0, budget}) {
            System.out.printf(Locale.ROOT, "-- ORT intra-op threads: %s%n", threads == 0 ? "ORT default (all cores)" : threads + " (the gateway's budget)");
            try (Vision vision = Vision.load(EnumSet.of(Analyzer.OBJECTS, Analyzer.FACES, Analyzer.TEXT),
                    ModelCatalog.bundled().visionFiles(TestGateway.modelsDir()), threads)) {
                Frame textFrame = textPage();
                analyzer("objects (YOLOX-nano 416)", () -> vision.objects().detect(frame), vision.objects().model());
                analyzer("faces (BlazeFace back 256)", () -> vision.faces().detect(frame), vision.faces().model());
                analyzer("text (PP-OCRv4 det+rec, 6 lines)", () -> vision.text().read(textFrame), vision.text().detector().model(), vision.text().recognizer().model());
                parallel("objects, 2 callers at once", 2, 20, () -> vision.objects().detect(frame));
                stat("scene statistics", 5, 50, () -> vision.analyze(frame, Set.of("scene")));
            }
        }
        if (args.length > 1 && args[1].equals("models")) return; // only the model part
        websocket(jpeg, floodSeconds);
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

    static Frame textPage() {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(640, 480, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, 640, 480);
        g.setColor(java.awt.Color.BLACK);
        String[] lines = {"EXIT", "Platform 9", "Open 24 hours", "No parking", "Gate B12", "Thank you"};
        for (int i = 0; i < lines.length; i++) {
            g.setFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 26 + 4 * i));
            g.drawString(lines[i], 40, 60 + i * 70);
        }
        g.dispose();
        return Frames.fromBufferedImage(img);
    }

    static double[] times(int warmup, int runs, Supplier<?> work) {
        for (int i = 0; i < warmup; i++) work.get();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms;
    }

    static void stat(String name, int warmup, int runs, Supplier<?> work) {
        double[] ms = times(warmup, runs, work);
        System.out.printf(Locale.ROOT, "%-40s median %7.2f ms  p90 %7.2f ms  (n=%d)%n", name, ms[runs / 2], ms[runs * 9 / 10], runs);
    }

    /** Latency of a whole analyzer call and the share of it spent outside ONNX Runtime's run(). */
    static void analyzer(String name, Supplier<?> work, OnnxModel... models) {
        int warmup = 5, runs = 30;
        times(warmup, 0, work);
        long runBefore = Arrays.stream(models).mapToLong(OnnxModel::runNanos).sum();
        long t0 = System.nanoTime();
        double[] ms = times(0, runs, work);
        long total = System.nanoTime() - t0;
        long ort = Arrays.stream(models).mapToLong(OnnxModel::runNanos).sum() - runBefore;
        System.out.printf(Locale.ROOT, "%-40s median %7.2f ms  p90 %7.2f ms  bare ORT run %7.2f ms/call  overhead %5.1f %%%n",
                name, ms[runs / 2], ms[runs * 9 / 10], ort / 1e6 / runs, 100.0 * (total - ort) / ort);
    }

    /** Throughput of one analyzer with several callers at once (as the vision pool runs them). */
    static void parallel(String name, int callers, int callsEach, Supplier<?> work) throws Exception {
        times(3, 0, work);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        long t0 = System.nanoTime();
        java.util.List<java.util.concurrent.Future<?>> all = new java.util.ArrayList<>();
        for (int c = 0; c < callers; c++) all.add(pool.submit(() -> times(0, callsEach, work)));
        for (var f : all) f.get();
        double seconds = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        System.out.printf(Locale.ROOT, "%-40s %.1f calls/s (%d calls)%n", name, callers * callsEach / seconds, callers * callsEach);
    }

    /** Floods /v1/video at 60 fps with 640×480 JPEGs; counts analyses per second and samples memory. */
    static void websocket(byte[] jpeg, int seconds) throws Exception {
        try (TestGateway gw = TestGateway.start("speech", "false", "llm_backend", "none", "analyzers", "objects,faces")) {
            AtomicLong analysed = new AtomicLong(), lastDropped = new AtomicLong();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + gw.port() + "/v1/video"),
                    new WebSocket.Listener() {
                        final StringBuilder partial = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            partial.append(data);
                            if (last) {
                                JsonObject e = new JsonObject(partial.toString());
                                partial.setLength(0);
                                if ("frame.analysis".equals(e.getString("type"))) {
                                    analysed.incrementAndGet();
                                    lastDropped.set(e.getLong("dropped"));
                                }
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"type\":\"session.update\",\"analyzers\":[\"objects\",\"faces\",\"scene\"]}", true).join();
            var memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed(), rssBefore = rss();
            long peakHeap = 0, peakRss = 0, sent = 0;
            long start = System.nanoTime(), warmEnd = start + 3_000_000_000L, end = start + seconds * 1_000_000_000L;
            long analysedAtWarm = -1;
            while (System.nanoTime() < end) {
                ws.sendBinary(ByteBuffer.wrap(jpeg), true).join();
                sent++;
                if (analysedAtWarm < 0 && System.nanoTime() > warmEnd) analysedAtWarm = analysed.get();
                if (sent % 15 == 0) {
                    peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
                    peakRss = Math.max(peakRss, rss());
                }
                long sleep = start + sent * 1_000_000_000L / 60 - System.nanoTime();
                if (sleep > 0) TimeUnit.NANOSECONDS.sleep(sleep);
            }
            double measured = seconds - 3;
            double fps = (analysed.get() - analysedAtWarm) / measured;
            Thread.sleep(1500);
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            System.out.printf(Locale.ROOT, "WebSocket 60 fps flood, %d s, 640x480 JPEG, objects+faces+scene: sent %d, analysed %d, dropped %d; sustained %.1f analysed fps%n",
                    seconds, sent, analysed.get(), lastDropped.get(), fps);
            System.out.printf(Locale.ROOT, "memory: heap before %d MB, peak during flood %d MB, after GC %d MB; RSS before %d MB, peak %d MB%n",
                    heapBefore >> 20, peakHeap >> 20, heapAfter >> 20, rssBefore >> 20, peakRss >> 20);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        } catch (Exception e) {
            // not Linux
        }
        return 0;
    }
}
