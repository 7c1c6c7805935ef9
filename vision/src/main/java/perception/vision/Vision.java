package perception.vision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The loaded analyzers (each optional) and one call that runs the requested ones on a frame,
 * timing each. Immutable and thread-safe: the ONNX sessions are shared by all callers.
 */
public final class Vision implements AutoCloseable {
    private final ObjectDetector objects;
    private final FaceDetector faces;
    private final TextReader text;
    private final SceneAnalyzer scene = new SceneAnalyzer();

    public Vision(ObjectDetector objects, FaceDetector faces, TextReader text) {
        this.objects = objects;
        this.faces = faces;
        this.text = text;
    }

    /** Loads the given analyzers' models, each from the files {@code files} names (scene needs none). */
    public static Vision load(java.util.Collection<Analyzer> analyzers, ModelFiles files, int intraOpThreads) {
        return new Vision(analyzers.contains(Analyzer.OBJECTS) ? loadObjects(files, intraOpThreads) : null,
                analyzers.contains(Analyzer.FACES) ? loadFaces(files, intraOpThreads) : null,
                analyzers.contains(Analyzer.TEXT) ? loadText(files, intraOpThreads) : null);
    }

    public static ObjectDetector loadObjects(ModelFiles files, int intraOpThreads) {
        return new ObjectDetector(OnnxModel.load(files.id(Analyzer.OBJECTS), files.file(Analyzer.OBJECTS, "model"), intraOpThreads));
    }

    /** BlazeFace's back model (256², 896 anchors). */
    public static FaceDetector loadFaces(ModelFiles files, int intraOpThreads) {
        return new FaceDetector(OnnxModel.load(files.id(Analyzer.FACES), files.file(Analyzer.FACES, "model"), intraOpThreads), 256);
    }

    public static TextReader loadText(ModelFiles files, int intraOpThreads) {
        String id = files.id(Analyzer.TEXT);
        return new TextReader(new TextDetector(OnnxModel.load(id, files.file(Analyzer.TEXT, "detector"), intraOpThreads)),
                new TextRecognizer(OnnxModel.load(id, files.file(Analyzer.TEXT, "recognizer"), intraOpThreads), files.file(Analyzer.TEXT, "keys"), 6));
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
        if (objects != null) s.add(Analyzer.OBJECTS.wireName());
        if (faces != null) s.add(Analyzer.FACES.wireName());
        if (text != null) s.add(Analyzer.TEXT.wireName());
        s.add(Analyzer.SCENE.wireName());
        return s;
    }

    /**
     * Runs the requested analyzers. One that is requested but not loaded throws
     * IllegalArgumentException naming the loaded ones.
     */
    public Analysis analyze(Frame frame, Set<String> requested) {
        for (String r : requested) {
            if (!available().contains(r)) {
                throw new IllegalArgumentException("analyzer '" + r + "' is not " + (Analyzer.of(r) != null ? "loaded" : "known")
                        + "; available: " + available() + (Analyzer.of(r) != null ? " (enable it with GATEWAY_ANALYZERS)" : ""));
            }
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        List<DetectedObject> o = requested.contains(Analyzer.OBJECTS.wireName()) ? timed("objects", timings, () -> objects.detect(frame)) : null;
        List<Face> f = requested.contains(Analyzer.FACES.wireName()) ? timed("faces", timings, () -> faces.detect(frame)) : null;
        List<TextLine> t = requested.contains(Analyzer.TEXT.wireName()) ? timed("text", timings, () -> text.read(frame)) : null;
        Scene s = requested.contains(Analyzer.SCENE.wireName()) ? timed("scene", timings, () -> scene.analyze(frame)) : null;
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
