package perception.gateway.core;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every verticle and route of one gateway shares: Vert.x, the configuration, the model
 * registry, metrics and the named worker pools that blocking inference runs on.
 */
public final class GatewayContext {
    private final Vertx vertx;
    private final GatewayConfig config;
    private final ModelRegistry models;
    private final MeterRegistry meters;
    private final Map<String, WorkerExecutor> pools = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> pending = new ConcurrentHashMap<>();
    private final WorkScheduler scheduler;

    public GatewayContext(Vertx vertx, GatewayConfig config, ModelRegistry models, MeterRegistry meters) {
        this.vertx = vertx;
        this.config = config;
        this.models = models;
        this.meters = meters;
        // Made here, outside any verticle: a worker executor made from a verticle's context is closed when
        // that verticle undeploys, and a job queued for it then could never start while the gateway stops.
        // Each sense's pool has the sense's name, so a new sense gets its pool with no line here.
        for (String name : Features.senses()) pool(name);
        for (String name : List.of("wyoming", "model-loading")) pool(name);
        this.scheduler = new WorkScheduler(vertx, this::pool, config.inferenceThreads(), config.bestEffortThreads(),
                "priority".equals(config.scheduler()), config.bestEffortMaxWaitMillis(), meters);
    }

    public Vertx vertx() {
        return vertx;
    }

    public GatewayConfig config() {
        return config;
    }

    public ModelRegistry models() {
        return models;
    }

    public MeterRegistry meters() {
        return meters;
    }

    /**
     * A named worker pool's threads (shown in /metrics as vertx_pool_* with name=NAME). Inference
     * goes through {@link #run}, which the {@link WorkScheduler} hands to these threads; use the
     * executor directly only for work outside the scheduler (model loading and closing).
     */
    public WorkerExecutor pool(String name) {
        return pools.computeIfAbsent(name, n -> vertx.createSharedWorkerExecutor(n, config.inferenceThreads(), 10, java.util.concurrent.TimeUnit.MINUTES));
    }

    /**
     * Runs work on the named pool as {@link #defaultClass its pool's usual class}, counted as pending
     * until it finishes, so that {@link #overloaded} can refuse new work instead of letting the queue
     * grow without bound.
     */
    public <T> io.vertx.core.Future<T> run(String name, java.util.concurrent.Callable<T> work) {
        return run(name, defaultClass(name), work);
    }

    /** Runs work on the named pool in the given latency class (see {@link WorkScheduler}). */
    public <T> io.vertx.core.Future<T> run(String name, WorkClass cls, java.util.concurrent.Callable<T> work) {
        var n = pending.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicInteger());
        n.incrementAndGet();
        return scheduler.submit(name, cls, work).andThen(r -> n.decrementAndGet());
    }

    /** Vision's work is best-effort unless its requester says otherwise; speech and the LLM answer someone waiting. */
    public static WorkClass defaultClass(String pool) {
        return "vision".equals(pool) ? WorkClass.BEST_EFFORT : WorkClass.INTERACTIVE;
    }

    /** The scheduler of the pools' jobs: a video session asks it whether a voice turn is busy. */
    public WorkScheduler scheduler() {
        return scheduler;
    }

    /**
     * A 503 (sent with Retry-After) when the pool already holds more than pool_queue jobs beyond
     * its threads; null when new work may be queued. Checked when a request or session starts, not
     * for each slice of work already admitted.
     */
    public perception.gateway.core.ApiError overloaded(String name) {
        var n = pending.get(name);
        long limit = config.inferenceThreads() + config.limit("pool_queue");
        if (n == null || n.get() < limit) return null;
        return ApiError.unavailable("busy", "the " + name + " workers are busy (" + n.get()
                + " jobs pending): retry after a second; an operator can raise pool_queue or inference_threads");
    }

    /** Per-model inference timer, exported as perception_inference_seconds{model=...}. */
    public Timer inferenceTimer(String model) {
        return Timer.builder("perception.inference").tag("model", model)
                .description("time spent in model inference").publishPercentiles(0.5, 0.95)
                .maximumExpectedValue(Duration.ofSeconds(30)).register(meters);
    }
}
