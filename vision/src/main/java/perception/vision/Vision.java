package perception.vision;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loaded analyzers (each optional) and one call that runs the requested ones on a frame,
 * timing each. Immutable and thread-safe: the ONNX sessions are shared by all callers.
 */
public final class Vision implements AutoCloseable {
    public static final List<String> ANALYZERS = List.of("objects", "faces", "text", "scene");

    private final ObjectDetector objects;
    private final FaceDetector faces;
    private final TextReader text;
    private final SceneAnalyzer scene = new SceneAnalyzer();

    public Vision(ObjectDetector objects, FaceDetector faces, TextReader text) {
        this.objects = objects;
        this.faces = faces;
        this.text = text;
    }

    /** Loads the given analyzers' models from a models folder laid out as the gateway fetches it. */
    public static Vision load(Path modelsDir, Set<String> analyzers, int intraOpThreads) {
        ObjectDetector o = analyzers.contains("objects") ? new ObjectDetector(OnnxModel.load("yolox-nano", modelsDir.resolve("yolox/yolox_nano.onnx"), intraOpThreads)) : null;
        FaceDetector f = analyzers.contains("faces") ? new FaceDetector(OnnxModel.load("blazeface", modelsDir.resolve("blazeface/face_detection_back_256x256.onnx"), intraOpThreads), 256) : null;
        TextReader t = analyzers.contains("text") ? new TextReader(
                new TextDetector(OnnxModel.load("ppocr-v4", modelsDir.resolve("ppocr/det.onnx"), intraOpThreads)),
                new TextRecognizer(OnnxModel.load("ppocr-v4", modelsDir.resolve("ppocr/rec.onnx"), intraOpThreads), modelsDir.resolve("ppocr/keys.txt"), 6)) : null;
        return new Vision(o, f, t);
    }

    public ObjectDetector objects() {
        return objects;
    }

    public FaceDetector faces() {
        return faces;
    }

    public TextReader text() {
        return text;
    }

    /** Which analyzers can run (scene always can). */
    public Set<String> available() {
        Set<String> s = new java.util.LinkedHashSet<>();
        if (objects != null) s.add("objects");
        if (faces != null) s.add("faces");
        if (text != null) s.add("text");
        s.add("scene");
        return s;
    }

    /**
     * Runs the requested analyzers. One that is requested but not loaded throws
     * IllegalArgumentException naming the loaded ones.
     */
    public Analysis analyze(Frame frame, Set<String> requested) {
        for (String r : requested) {
            if (!available().contains(r)) {
                throw new IllegalArgumentException("analyzer '" + r + "' is not " + (ANALYZERS.contains(r) ? "loaded" : "known")
                        + "; available: " + available() + (ANALYZERS.contains(r) ? " (enable it with GATEWAY_ANALYZERS)" : ""));
            }
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        List<DetectedObject> o = requested.contains("objects") ? timed("objects", timings, () -> objects.detect(frame)) : null;
        List<Face> f = requested.contains("faces") ? timed("faces", timings, () -> faces.detect(frame)) : null;
        List<TextLine> t = requested.contains("text") ? timed("text", timings, () -> text.read(frame)) : null;
        Scene s = requested.contains("scene") ? timed("scene", timings, () -> scene.analyze(frame)) : null;
        return new Analysis(frame.width(), frame.height(), o, f, t, s, timings);
    }

    private static <T> T timed(String name, Map<String, Double> timings, java.util.function.Supplier<T> work) {
        long t0 = System.nanoTime();
        T result = work.get();
        timings.put(name, Math.round((System.nanoTime() - t0) / 1e4) / 100.0);
        return result;
    }

    @Override
    public void close() {
        if (objects != null) objects.model().close();
        if (faces != null) faces.model().close();
        if (text != null) {
            text.detector().model().close();
            text.recognizer().model().close();
        }
    }
}
