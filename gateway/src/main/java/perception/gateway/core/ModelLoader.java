package perception.gateway.core;

import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one model on the "model-loading" worker pool and reports it to the {@link ModelRegistry}:
 * a missing file fails with the command that fetches it; load time is recorded for /ready.
 * {@code path} null means the model ships on the classpath (FreeTTS voices).
 */
public final class ModelLoader {
    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {
    }

    /** A model of the catalog, under its id and task; {@code path} is what must exist before loading. */
    public static <T> Future<T> load(GatewayContext context, ModelCatalog.Model model, Path path, Callable<T> loader) {
        return load(context, model.id(), model.task(), path, loader);
    }

    public static <T> Future<T> load(GatewayContext context, String id, String task, Path path, Callable<T> loader) {
        ModelRegistry models = context.models();
        models.expect(id, task);
        // Straight on its own pool, not through SenseWork/GatewayContext.run: those hand jobs to the
        // WorkScheduler, where a load of many seconds would count as a voice-class job (video frames would
        // yield to it, the pool gauges would show it); on its own pool a slow load never holds an inference thread.
        return context.pool("model-loading").executeBlocking(() -> {
            if (path != null && !Files.exists(path)) {
                throw new ApiError(503, "service_unavailable", "model_missing",
                        "model " + id + " missing at " + path + ": run ./run-gateway models fetch " + id, null);
            }
            long t0 = System.nanoTime();
            T model = loader.call();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            String source = path == null ? "classpath" : path.toString();
            models.loaded(id, task, ms, source);
            log.info("loaded {} ({}) in {} ms from {}", id, task, ms, source);
            return model;
        }, false).onFailure(e -> models.failed(id, task, e.getMessage()));
    }
}
