package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Closing a sense's models waits for the work in flight, runs off the event loop, and refuses later work with a 503. */
class SenseWorkTest {
    private Vertx vertx;
    private GatewayContext context;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = new GatewayContext(vertx, GatewayConfig.defaults(), new ModelRegistry(), new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void closeWaitsForTheWorkerAndLaterWorkIsRefused() throws Exception {
        SenseWork work = new SenseWork(context, "test", "test");
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicBoolean modelOpen = new AtomicBoolean(true);
        AtomicBoolean usedClosedModel = new AtomicBoolean();
        CompletableFuture<String> job = work.run(() -> {
            running.countDown();
            finish.await(30, TimeUnit.SECONDS);
            if (!modelOpen.get()) usedClosedModel.set(true); // what a native would crash on
            return "done";
        }).toCompletionStage().toCompletableFuture();
        assertTrue(running.await(10, TimeUnit.SECONDS), "the job runs");

        CompletableFuture<Boolean> closedOnEventLoop = new CompletableFuture<>();
        CompletableFuture<Void> closed = work.close(() -> {
            closedOnEventLoop.complete(Thread.currentThread().getName().contains("eventloop"));
            modelOpen.set(false);
        }).toCompletionStage().toCompletableFuture();
        Thread.sleep(300); // give a wrong close every chance to run early
        assertFalse(closed.isDone(), "close waits while a worker uses the model");

        finish.countDown();
        assertEquals("done", job.get(10, TimeUnit.SECONDS));
        closed.get(10, TimeUnit.SECONDS);
        assertFalse(usedClosedModel.get(), "the worker never saw a closed model");
        assertFalse(closedOnEventLoop.get(), "closed off the event loop");

        try {
            work.run(() -> "late").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            throw new AssertionError("work after close ran");
        } catch (ExecutionException e) {
            ApiError error = BusErrors.of(e.getCause(), "test", null);
            assertEquals(503, error.status());
            assertEquals("stopping", error.code());
        }
    }
}
