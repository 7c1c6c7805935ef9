package perception.gateway.vision;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.nio.file.Path;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.Bus;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.ModelLoader;
import perception.vision.Describer;
import perception.vision.FaceDetector;
import perception.vision.Frame;
import perception.vision.ImageDecoder;
import perception.vision.ObjectDetector;
import perception.vision.OnnxModel;
import perception.vision.SceneChangeDetector;
import perception.vision.TextDetector;
import perception.vision.TextReader;
import perception.vision.TextRecognizer;
import perception.vision.VideoAnalyzer;
import perception.vision.VideoSampler;
import perception.vision.Vision;

/**
 * The eyes: loads the enabled analyzers' models and serves {@link Bus#ANALYZE}: {@link AnalyzeImage}
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
    /** Analyses hold it shared; closing the models takes it alone, so no worker runs a closed ONNX session. */
    private final java.util.concurrent.locks.ReadWriteLock inUse = new java.util.concurrent.locks.ReentrantReadWriteLock();
    private volatile boolean closed;

    public VisionVerticle(GatewayContext context) {
        this.context = context;
    }

    @Override
    public Future<?> start() {
        VisionCodecs.register(vertx);
        Set<String> analyzers = context.config().analyzers();
        Path dir = context.config().modelsDir();
        int threads = 0;
        Future<ObjectDetector> objects = analyzers.contains("objects")
                ? ModelLoader.load(context, "yolox-nano", "object-detection", dir.resolve("yolox/yolox_nano.onnx"),
                        () -> new ObjectDetector(OnnxModel.load("yolox-nano", dir.resolve("yolox/yolox_nano.onnx"), threads)))
                : Future.succeededFuture();
        Future<FaceDetector> faces = analyzers.contains("faces")
                ? ModelLoader.load(context, "blazeface", "face-detection", dir.resolve("blazeface/face_detection_back_256x256.onnx"),
                        () -> new FaceDetector(OnnxModel.load("blazeface", dir.resolve("blazeface/face_detection_back_256x256.onnx"), threads), 256))
                : Future.succeededFuture();
        Future<TextReader> text = analyzers.contains("text")
                ? ModelLoader.load(context, "ppocr-v4", "text-recognition", dir.resolve("ppocr/rec.onnx"), () -> new TextReader(
                        new TextDetector(OnnxModel.load("ppocr-v4", dir.resolve("ppocr/det.onnx"), threads)),
                        new TextRecognizer(OnnxModel.load("ppocr-v4", dir.resolve("ppocr/rec.onnx"), threads), dir.resolve("ppocr/keys.txt"), 6)))
                : Future.succeededFuture();
        return Future.all(objects, faces, text).onSuccess(all -> {
            vision = new Vision(objects.result(), faces.result(), text.result());
            consumer = perception.gateway.core.Workers.of(context).serve(Bus.ANALYZE, this::handle);
            log.info("vision ready: analyzers {}", vision.available());
        });
    }

    private void handle(Message<Object> message) {
        Object body = message.body();
        context.pool("vision").executeBlocking(() -> {
            inUse.readLock().lock();
            try {
                if (closed) throw new IllegalStateException("the vision sense is stopping");
                return run(body);
            } finally {
                inUse.readLock().unlock();
            }
        }, false).onComplete(r -> {
            if (r.succeeded()) {
                message.reply(r.result());
            } else {
                if (!(r.cause() instanceof perception.vision.VisionException) && !(r.cause() instanceof IllegalArgumentException)) {
                    log.error("vision request failed", r.cause());
                }
                VisionErrors.fail(message, r.cause());
            }
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
        return unregistered.eventually(() -> context.pool("model-loading").executeBlocking(() -> {
            inUse.writeLock().lock();
            try {
                closed = true;
                if (vision != null) vision.close();
            } finally {
                inUse.writeLock().unlock();
            }
            return null;
        }, false));
    }
}
