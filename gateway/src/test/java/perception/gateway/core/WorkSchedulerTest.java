package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The order in which the scheduler starts jobs on real Vert.x worker threads: interactive work
 * queued behind a backlog of best-effort frames starts first. Blocking jobs hold threads on latches
 * released by the test, so the order is forced, never timed; the fifo control shows the same
 * scenario the other way round (so the assertions can fail).
 */
class WorkSchedulerTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<String> starts = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private GatewayContext context(String... settings) {
        // no aging unless a test sets it: a loaded machine must not turn a wait into a start
        GatewayConfig config = GatewayConfig.defaults().with("best_effort_max_wait_ms", "3600000").with(settings);
        return new GatewayContext(vertx, config, new ModelRegistry(), new SimpleMeterRegistry());
    }

    /** A job that records its start, then waits for the latch (a long frame holding its thread). */
    private Future<String> hold(GatewayContext c, String pool, WorkClass cls, String name, CountDownLatch release) {
        return c.run(pool, cls, () -> {
            starts.add(name);
            if (!release.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("never released");
            return name;
        });
    }

    private Future<String> job(GatewayContext c, String pool, WorkClass cls, String name) {
        return c.run(pool, cls, () -> {
            starts.add(name);
            return name;
        });
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Both threads busy with frames, five more frames waiting, then two voice jobs: they run next. */
    private List<String> backlogThenInteractive(GatewayContext c) throws Exception {
        CountDownLatch first = new CountDownLatch(1), second = new CountDownLatch(1);
        List<Future<String>> all = new ArrayList<>();
        all.add(hold(c, "vision", WorkClass.BEST_EFFORT, "frame-running-1", first));
        while (starts.size() < 1) Thread.onSpinWait();
        all.add(hold(c, "vision", WorkClass.BEST_EFFORT, "frame-running-2", second));
        while (starts.size() < 2) Thread.onSpinWait(); // both threads taken (bounded by the 60 s in hold)
        for (int i = 1; i <= 5; i++) all.add(job(c, "vision", WorkClass.BEST_EFFORT, "frame-queued-" + i));
        all.add(job(c, "vision", WorkClass.INTERACTIVE, "voice-1"));
        all.add(job(c, "vision", WorkClass.INTERACTIVE, "voice-2"));
        first.countDown();
        await(Future.all(all.get(0), all.get(6), all.get(7))); // one thread freed: the voice jobs ran, the second frame still runs
        second.countDown();
        await(Future.all(all));
        return List.copyOf(starts);
    }

    @Test
    void interactiveWorkQueuedBehindFramesStartsFirst() throws Exception {
        List<String> order = backlogThenInteractive(context("inference_threads", "2", "reserved_interactive_threads", "0"));
        assertEquals(List.of("frame-running-1", "frame-running-2", "voice-1", "voice-2"), order.subList(0, 4), "start order " + order);
        assertEquals(9, order.size(), "start order " + order);
    }

    @Test
    void fifoControlRunsTheBacklogFirst() throws Exception {
        List<String> order = backlogThenInteractive(context("inference_threads", "2", "scheduler", "fifo"));
        assertEquals(List.of("voice-1", "voice-2"), order.subList(7, 9), "start order " + order);
    }

    @Test
    void framesWaitWhileVoiceWaitsOnAnotherPool() throws Exception {
        GatewayContext c = context("inference_threads", "2", "reserved_interactive_threads", "0");
        CountDownLatch speech = new CountDownLatch(1);
        Future<String> a = hold(c, "speech", WorkClass.INTERACTIVE, "voice-running-1", speech);
        while (starts.size() < 1) Thread.onSpinWait();
        Future<String> b = hold(c, "speech", WorkClass.INTERACTIVE, "voice-running-2", speech);
        while (starts.size() < 2) Thread.onSpinWait();
        Future<String> waiting = job(c, "speech", WorkClass.INTERACTIVE, "voice-waiting");
        Future<String> frame = job(c, "vision", WorkClass.BEST_EFFORT, "frame"); // its pool is idle, but a person waits
        speech.countDown();
        await(Future.all(a, b, waiting, frame));
        assertEquals("voice-waiting", starts.get(2), "start order " + starts);
        assertEquals("frame", starts.get(3), "start order " + starts);
    }

    @Test
    void aFrameThatWaitedTooLongGoesEvenWhileVoiceWaits() throws Exception {
        GatewayContext c = context("inference_threads", "2", "reserved_interactive_threads", "0", "best_effort_max_wait_ms", "0");
        CountDownLatch speech = new CountDownLatch(1);
        Future<String> a = hold(c, "speech", WorkClass.INTERACTIVE, "voice-running-1", speech);
        while (starts.size() < 1) Thread.onSpinWait();
        Future<String> b = hold(c, "speech", WorkClass.INTERACTIVE, "voice-running-2", speech);
        while (starts.size() < 2) Thread.onSpinWait();
        Future<String> waiting = job(c, "speech", WorkClass.INTERACTIVE, "voice-waiting");
        assertEquals("frame", await(job(c, "vision", WorkClass.BEST_EFFORT, "frame"))); // aged at once: not starved
        speech.countDown();
        await(Future.all(a, b, waiting));
        assertEquals(List.of("voice-running-1", "voice-running-2", "frame", "voice-waiting"), List.copyOf(starts));
    }

    @Test
    void reservedThreadsStayFreeForVoice() throws Exception {
        GatewayContext c = context("inference_threads", "2", "reserved_interactive_threads", "1");
        CountDownLatch release = new CountDownLatch(1);
        Future<String> running = hold(c, "vision", WorkClass.BEST_EFFORT, "frame-running", release);
        while (starts.size() < 1) Thread.onSpinWait();
        Future<String> queued = job(c, "vision", WorkClass.BEST_EFFORT, "frame-queued"); // the pool has a free thread, kept for voice
        // the voice job finishes while the first frame still holds its thread: the reserved thread ran it
        assertEquals("voice", await(job(c, "vision", WorkClass.INTERACTIVE, "voice")));
        assertEquals(List.of("frame-running", "voice"), List.copyOf(starts));
        release.countDown();
        await(Future.all(running, queued));
        assertEquals("frame-queued", starts.get(2));
    }
}
