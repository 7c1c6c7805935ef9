package perception.tests.vision;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.WorkClass;
import perception.gateway.vision.AnalyzeImage;
import perception.gateway.vision.ImageResult;
import perception.gateway.vision.VisionFeature;
import perception.tests.TestGateway;

/**
 * Voice first under a real frame flood: ten /v1/video sessions send photos back to back (real
 * YOLOX and BlazeFace on both vision threads, frames queued behind them). Interactive work then
 * goes ahead of every queued frame: no frame starts between its arrival and its start (at most one
 * on the other thread in the instant before its first line reads the count), and a real
 * interactive analysis over the bus is answered before the frames queued ahead of it have all
 * started; counted with the scheduler's own per-class start counts (ordering, not wall clock).
 */
class VoiceFirstTest {
    @Test
    void interactiveWorkOvertakesAFrameFlood() throws Exception {
        try (TestGateway gw = TestGateway.start("speech", "false", "llm_backend", "none", "analyzers", "objects,faces",
                "inference_threads", "2", "reserved_interactive_threads", "0")) {
            GatewayContext context = gw.gateway().context();
            MeterRegistry meters = context.meters();
            byte[] photo = VisionMedia.photo("dog.jpg");
            AtomicBoolean flooding = new AtomicBoolean(true);
            AtomicLong analysed = new AtomicLong();
            List<Thread> cameras = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Thread t = new Thread(() -> flood(gw.port(), photo, flooding, analysed));
                t.setDaemon(true);
                t.start();
                cameras.add(t);
            }
            try {
                for (int turn = 0; turn < 3; turn++) {
                    long queued = waitForBacklog(meters, 6);
                    long framesBefore = started(meters, WorkClass.BEST_EFFORT);
                    long[] framesAtStart = new long[1];
                    context.run("vision", WorkClass.INTERACTIVE, () -> framesAtStart[0] = started(meters, WorkClass.BEST_EFFORT))
                            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                    // none started while it waited; the other thread may take one between its start and its first line
                    assertTrue(framesAtStart[0] - framesBefore <= 1, (framesAtStart[0] - framesBefore)
                            + " frames started while the interactive job waited behind " + queued + " queued (turn " + turn + ")");

                    // the same through the bus, as "what do you see?" asks it: a real analysis, ahead of the queued frames
                    long backlog = waitForBacklog(meters, 6);
                    long before = started(meters, WorkClass.BEST_EFFORT);
                    ImageResult r = gw.gateway().vertx().eventBus().<ImageResult>request(VisionFeature.ANALYZE,
                                    new AnalyzeImage(photo, Set.of("objects"), null, true),
                                    new DeliveryOptions().addHeader(WorkClass.HEADER, "interactive"))
                            .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS).body();
                    assertTrue(r.description().contains("dog"), r.description());
                    // in arrival order it would wait for every queued frame to start; it went ahead of them
                    long during = started(meters, WorkClass.BEST_EFFORT) - before;
                    assertTrue(during < backlog, during + " frames started before the interactive analysis finished, of "
                            + backlog + " queued when it was sent (turn " + turn + ")");
                }
                assertTrue(analysed.get() > 0, "the cameras' frames were analysed too");
            } finally {
                flooding.set(false);
                for (Thread t : cameras) t.join(30_000);
            }
        }
    }

    /** Best-effort (or interactive) jobs the scheduler has started so far: its wait timer counts one per start. */
    private static long started(MeterRegistry meters, WorkClass cls) {
        return meters.find("perception.pool.wait").tag("pool", "vision").tag("class", cls.tag()).timers().stream()
                .mapToLong(t -> t.count()).sum();
    }

    /** Waits until at least this many frames are queued; returns how many are. */
    private static long waitForBacklog(MeterRegistry meters, int frames) throws InterruptedException {
        for (int i = 0; i < 6000; i++) {
            var g = meters.find("perception.pool.waiting").tag("class", "best_effort").gauge();
            if (g != null && g.value() >= frames) return (long) g.value();
            Thread.sleep(10);
        }
        throw new AssertionError("no backlog of " + frames + " frames within 60 s");
    }

    /** Sends the photo back to back; the server keeps one frame in flight and one waiting per session. */
    private static void flood(int port, byte[] photo, AtomicBoolean on, AtomicLong analysed) {
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/video"),
                    new WebSocket.Listener() {
                        final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                if ("frame.analysis".equals(new JsonObject(text.toString()).getString("type"))) analysed.incrementAndGet();
                                text.setLength(0);
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            while (on.get()) {
                ws.sendBinary(ByteBuffer.wrap(photo), true).get(10, TimeUnit.SECONDS);
                Thread.sleep(20);
            }
            ws.abort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
