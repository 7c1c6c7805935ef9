package perception.gateway.vision;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.SenseWork;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.ModelCatalog;
import perception.gateway.core.ModelLoader;
import perception.vision.Analyzer;
import perception.vision.Describer;
import perception.vision.FaceDetector;
import perception.vision.Frame;
import perception.vision.ImageDecoder;
import perception.vision.ModelFiles;
import perception.vision.ObjectDetector;
import perception.vision.SceneChangeDetector;
import perception.vision.TextReader;
import perception.vision.VideoAnalyzer;
import perception.vision.VideoSampler;
import perception.vision.Vision;

/**
 * The eyes: loads the enabled analyzers' models and serves {@link VisionFeature#ANALYZE}: {@link AnalyzeImage}
 * and {@link AnalyzeVideo} requests, decoded and analysed on the "vision" worker pool (unordered,
 * so requests run in parallel on the shared ONNX sessions).
 */
public final class VisionVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(VisionVerticle.class);
    /** Most frames one video request may sample, whatever its length and fps. */
    static final int MAX_VIDEO_SAMPLES = 600;

    private final GatewayContext context;
    private volatile Vision vision;
    private MessageConsumer<Object> consumer;
    /** Analyses and the closing of the ONNX sessions, kept apart. */
    private final SenseWork work;

    public VisionVerticle(GatewayContext context) {
        this.context = context;
        this.work = new SenseWork(context, "vision", "vision");
    }

    @Override
    public Future<?> start() {
        VisionCodecs.register(vertx);
        Set<String> analyzers = context.config().analyzers();
        Path dir = context.config().modelsDir();
        ModelCatalog catalog = ModelCatalog.bundled();
        ModelFiles files = catalog.visionFiles(dir);
        // ONNX Runtime threads per run: best-effort video must not take every core (one budget: pool threads x these)
        int threads = context.config().visionThreads();
        Future<ObjectDetector> objects = load(analyzers, Analyzer.OBJECTS, catalog, dir, () -> Vision.loadObjects(files, threads));
        Future<FaceDetector> faces = load(analyzers, Analyzer.FACES, catalog, dir, () -> Vision.loadFaces(files, threads));
        Future<TextReader> text = load(analyzers, Analyzer.TEXT, catalog, dir, () -> Vision.loadText(files, threads));
        return Future.all(objects, faces, text).onSuccess(all -> {
            vision = new Vision(objects.result(), faces.result(), text.result());
            consumer = perception.gateway.core.Workers.of(context).serve(VisionFeature.ANALYZE, this::handle);
            log.info("vision ready: analyzers {}", vision.available());
        });
    }

    /** Loads an enabled analyzer's model under its catalog id and task (a missing file fails with the fetch command). */
    private <T> Future<T> load(Set<String> enabled, Analyzer analyzer, ModelCatalog catalog, Path modelsDir, java.util.concurrent.Callable<T> loader) {
        if (!enabled.contains(analyzer.wireName())) return Future.succeededFuture();
        ModelCatalog.Model model = catalog.forAnalyzer(analyzer).orElseThrow();
        // /ready's "source": the model's ONNX file, or its folder when it has several (text)
        Path source = model.roles().containsKey("model") ? model.file(modelsDir, "model") : model.dir(modelsDir);
        return ModelLoader.load(context, model, source, loader);
    }

    private void handle(Message<Object> message) {
        Object body = message.body();
        // a full pool refuses new work (503 + Retry-After for requests, an error event for a video
        // frame) instead of queueing it without bound; counted by context.run
        var busy = context.overloaded("vision");
        if (busy != null) {
            perception.gateway.core.BusErrors.fail(message, busy);
            return;
        }
        var cls = perception.gateway.core.WorkClass.of(message.headers().get(perception.gateway.core.WorkClass.HEADER),
                perception.gateway.core.WorkClass.BEST_EFFORT);
        work.run(cls, () -> run(body)).onComplete(r -> {
            if (r.succeeded()) message.reply(r.result());
            else VisionErrors.fail(message, r.cause()); // logged there when it is not the client's fault
        });
    }

    private Object run(Object body) {
        if (body instanceof AnalyzeImage job) return analyze(job);
        if (body instanceof AnalyzeVideo job && job.data() != null) return analyzeSent(job);
        if (body instanceof AnalyzeVideo job) {
            return new VideoAnalyzer(vision, new VideoSampler(context.config().maxImagePixels(), MAX_VIDEO_SAMPLES), 0.25)
                    .analyze(Path.of(job.path()), job.fps(), job.analyzers());
        }
        throw new IllegalArgumentException("unknown vision request " + (body == null ? "null" : body.getClass().getSimpleName()));
    }

    /** A video sent from another node: its bytes go to a temporary file here for the decoder, removed after. */
    private Object analyzeSent(AnalyzeVideo job) {
        Path file = null;
        try {
            file = java.nio.file.Files.createTempFile("perception-video-", ".bin");
            java.nio.file.Files.write(file, job.data());
            return run(new AnalyzeVideo(file.toString(), job.fps(), job.analyzers()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not store the sent video: " + e.getMessage(), e);
        } finally {
            if (file != null) file.toFile().delete();
        }
    }

    private ImageResult analyze(AnalyzeImage job) {
        long t0 = System.nanoTime();
        Frame frame = new ImageDecoder(context.config().maxImagePixels()).decode(job.bytes());
        double decodeMs = (System.nanoTime() - t0) / 1e6;
        SceneChangeDetector.Change change = job.changes() == null ? null : job.changes().next(frame);
        var analysis = vision.analyze(frame, job.analyzers());
        context.inferenceTimer("vision").record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new ImageResult(analysis, job.describe() ? Describer.describe(analysis) : null, change, decodeMs,
                job.changes() == null ? null : job.changes().state());
    }

    /** The analyzers this gateway can run: the loaded ones plus scene statistics. */
    Set<String> available() {
        return vision == null ? Set.of() : vision.available();
    }

    @Override
    public Future<?> stop() {
        Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
        // off the event loop, once the analyses in progress are done (a native session must not close under a worker)
        return unregistered.eventually(() -> work.close(() -> {
            if (vision != null) vision.close();
        }));
    }
}
