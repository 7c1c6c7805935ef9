package perception.gateway.core;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Decides when each job on the named worker pools starts, so that a person waiting for an answer
 * never waits behind work nobody is waiting for. Every pool keeps its name and thread count (its
 * threads are the Vert.x worker executor of that name, so vertx_pool_* metrics stay), but jobs carry
 * a {@link WorkClass} and are handed to the threads by this one scheduler:
 * <ul>
 * <li>interactive jobs start first, in arrival order, on any pool with a free thread;</li>
 * <li>a best-effort job starts only while no interactive job waits on any pool (or once it has
 * waited best_effort_max_wait_ms and no other best-effort job runs, so a steady stream of voice work
 * cannot starve video), and best-effort
 * jobs never hold more than {@code cpu - reserved} threads across all pools at once, so the
 * reserved cores are always free for a voice turn. What interactive work leaves is what video gets:
 * a video session's frame waits here and is replaced by a newer one (counted as dropped).</li>
 * </ul>
 * In {@code fifo} mode (setting scheduler=fifo) each pool runs its jobs in arrival order without
 * classes, as Vert.x's worker executors do: the behaviour before this scheduler, kept to measure
 * against. Results complete on the submitter's Vert.x context.
 */
public final class WorkScheduler {
    private final Vertx vertx;
    private final Function<String, WorkerExecutor> executors;
    private final int threadsPerPool;
    private final int bestEffortLimit;
    private final boolean priority;
    private final long maxWaitNanos;
    private final MeterRegistry meters;
    private final Map<String, Pool> pools = new LinkedHashMap<>(); // guarded by this
    private int runningInteractive;
    private int runningBestEffort;
    private int waitingInteractive;
    private int waitingBestEffort;
    private volatile long lastInteractiveNanos = System.nanoTime() - TimeUnit.HOURS.toNanos(1);

    /**
     * @param threadsPerPool threads of each named pool
     * @param bestEffortLimit most best-effort jobs running at once over all pools (at least 1)
     * @param priority false for plain per-pool FIFO (no classes)
     * @param bestEffortMaxWaitMillis after this wait a best-effort job no longer yields to waiting interactive ones
     */
    public WorkScheduler(Vertx vertx, Function<String, WorkerExecutor> executors, int threadsPerPool, int bestEffortLimit,
            boolean priority, long bestEffortMaxWaitMillis, MeterRegistry meters) {
        this.maxWaitNanos = bestEffortMaxWaitMillis * 1_000_000;
        this.vertx = vertx;
        this.executors = executors;
        this.threadsPerPool = threadsPerPool;
        this.bestEffortLimit = Math.max(1, bestEffortLimit);
        this.priority = priority;
        this.meters = meters;
        for (WorkClass c : WorkClass.values()) {
            Gauge.builder("perception.pool.waiting", this, s -> s.count(c, false)).tag("class", c.tag())
                    .description("jobs waiting for a worker thread, all pools").register(meters);
            Gauge.builder("perception.pool.running", this, s -> s.count(c, true)).tag("class", c.tag())
                    .description("jobs running on worker threads, all pools").register(meters);
        }
    }

    /** Queues work on the named pool; the future completes on the caller's context. */
    public <T> Future<T> submit(String pool, WorkClass cls, Callable<T> work) {
        Job<T> job = new Job<>(pool, cls, work, vertx.getOrCreateContext(), Promise.promise(), System.nanoTime());
        List<Job<?>> start;
        synchronized (this) {
            Pool p = pools.computeIfAbsent(pool, Pool::new);
            (priority && cls == WorkClass.INTERACTIVE ? p.interactive : p.rest).add(job);
            if (cls == WorkClass.INTERACTIVE) waitingInteractive++;
            else waitingBestEffort++;
            start = pick();
        }
        start.forEach(this::launch);
        return job.promise.future();
    }

    /** True while interactive work waits or runs, or ended less than {@code withinMillis} ago. */
    public boolean interactiveBusy(long withinMillis) {
        synchronized (this) {
            if (runningInteractive + waitingInteractive > 0) return true;
        }
        return System.nanoTime() - lastInteractiveNanos < withinMillis * 1_000_000;
    }

    public boolean prioritised() {
        return priority;
    }

    private synchronized int count(WorkClass c, boolean running) {
        if (c == WorkClass.INTERACTIVE) return running ? runningInteractive : waitingInteractive;
        return running ? runningBestEffort : waitingBestEffort;
    }

    /** The jobs that may start now, taken off their queues and counted as running. Holds the lock. */
    private List<Job<?>> pick() {
        List<Job<?>> out = new ArrayList<>();
        for (Pool p : pools.values()) {
            while (p.running < threadsPerPool && !p.interactive.isEmpty()) take(p, p.interactive, out);
        }
        boolean more = true;
        while (more) { // one best-effort job per pool per round, so no pool's backlog starves another's
            more = false;
            for (Pool p : pools.values()) {
                if (p.running >= threadsPerPool || p.rest.isEmpty()) continue;
                if (priority && (runningBestEffort >= bestEffortLimit || waitingInteractive > 0 && !(runningBestEffort == 0 && overdue(p.rest.peek())))) return out;
                take(p, p.rest, out);
                more = true;
            }
        }
        return out;
    }

    /**
     * A best-effort job that has waited longer than the aging limit may start while voice waits, but
     * only when no best-effort job runs: a floor of one, so video never starves yet never crowds voice.
     */
    private boolean overdue(Job<?> job) {
        return System.nanoTime() - job.queuedNanos >= maxWaitNanos;
    }

    private void take(Pool p, ArrayDeque<Job<?>> queue, List<Job<?>> out) {
        Job<?> job = queue.poll();
        // recorded under the lock, so the per-class start counts follow the order of decisions
        timer("perception.pool.wait", job).record(System.nanoTime() - job.queuedNanos, TimeUnit.NANOSECONDS);
        p.running++;
        if (job.cls == WorkClass.INTERACTIVE) {
            waitingInteractive--;
            runningInteractive++;
        } else {
            waitingBestEffort--;
            runningBestEffort++;
        }
        out.add(job);
    }

    private <T> void launch(Job<T> job) {
        long started = System.nanoTime();
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        Future<Object> queued;
        try {
            queued = executors.apply(job.pool).executeBlocking(() -> {
                ran.set(true);
                T result = null;
                Throwable failure = null;
                try {
                    result = job.work.call();
                } catch (Throwable t) {
                    failure = t;
                }
                // the caller hears first: a failure to start the next job must not leave this one unanswered
                complete(job, result, failure);
                finished(job, started);
                return null;
            }, false);
        } catch (RuntimeException closed) {
            queued = Future.failedFuture(closed);
        }
        // the pool's executor refused the job (the gateway is stopping): answer the job and free its
        // slot instead of leaving its caller waiting for ever. A refusal is known at once (a closed
        // executor throws, a full one fails the future before returning), so no listener is needed —
        // and none is wanted: a job that ends after Vert.x's event loops have stopped would fail
        // delivering its result to one ("event executor terminated" on the worker thread).
        if (queued.failed() && !ran.get()) {
            complete(job, null, new BusErrors.StoppingException(job.pool));
            finished(job, started);
        }
    }

    /** Completes the job's future on its caller's context, or here when that context is gone. */
    private static <T> void complete(Job<T> job, T result, Throwable failure) {
        try {
            job.context.runOnContext(v -> {
                if (failure == null) job.promise.tryComplete(result);
                else job.promise.tryFail(failure);
            });
        } catch (RuntimeException loopGone) {
            try {
                if (failure == null) job.promise.tryComplete(result);
                else job.promise.tryFail(failure);
            } catch (RuntimeException nobodyLeft) {
                // Vert.x has closed: the caller's listeners cannot run any more, and nobody waits for them
            }
        }
    }

    private void finished(Job<?> job, long started) {
        long now = System.nanoTime();
        timer("perception.pool.run", job).record(now - started, TimeUnit.NANOSECONDS);
        List<Job<?>> start;
        synchronized (this) {
            pools.get(job.pool).running--;
            if (job.cls == WorkClass.INTERACTIVE) {
                runningInteractive--;
                lastInteractiveNanos = now;
            } else {
                runningBestEffort--;
            }
            start = pick();
        }
        start.forEach(this::launch);
    }

    private Timer timer(String name, Job<?> job) {
        return Timer.builder(name).tag("pool", job.pool).tag("class", job.cls.tag())
                .description(name.endsWith("wait") ? "time a job waited for a worker thread" : "time a job ran on its worker thread")
                .publishPercentiles(0.5, 0.95).maximumExpectedValue(Duration.ofSeconds(30)).register(meters);
    }

    private static final class Pool {
        final ArrayDeque<Job<?>> interactive = new ArrayDeque<>();
        /** Best-effort jobs; in fifo mode every job. */
        final ArrayDeque<Job<?>> rest = new ArrayDeque<>();
        int running;

        Pool(String name) {
        }
    }

    private record Job<T>(String pool, WorkClass cls, Callable<T> work, Context context, Promise<T> promise, long queuedNanos) {
    }
}
