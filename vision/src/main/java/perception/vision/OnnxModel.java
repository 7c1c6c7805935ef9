package perception.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One ONNX model: a single shared {@link OrtSession} (thread-safe), one float input, float outputs
 * copied out to plain arrays so no native tensor outlives {@link #run}.
 */
public final class OnnxModel implements AutoCloseable {
    /** One output: row-major data and its shape. */
    public record Tensor(float[] data, long[] shape) {
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String inputName;
    private final List<String> outputNames;
    private final String id;
    private final java.util.concurrent.atomic.AtomicLong runNanos = new java.util.concurrent.atomic.AtomicLong();

    private OnnxModel(String id, OrtSession session) throws OrtException {
        this.id = id;
        this.session = session;
        this.inputName = session.getInputNames().iterator().next();
        this.outputNames = new ArrayList<>(session.getOutputNames());
    }

    /**
     * Loads a model; intraOpThreads 0 lets ONNX Runtime choose. Fails with how to fetch it when missing.
     */
    public static OnnxModel load(String id, Path file, int intraOpThreads) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("model " + id + " missing at " + file + ": run ./run-gateway models fetch " + id);
        }
        try {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setSessionLogLevel(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            if (intraOpThreads > 0) options.setIntraOpNumThreads(intraOpThreads);
            // Idle ORT threads would otherwise spin after each run, taking the cores the Java pre-
            // and post-processing (and the other requests) need.
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            return new OnnxModel(id, OrtEnvironment.getEnvironment().createSession(file.toString(), options));
        } catch (OrtException e) {
            throw new IllegalStateException("model " + id + " at " + file + " could not be loaded (" + e.getMessage()
                    + "): fetch it again with ./run-gateway models fetch " + id, e);
        }
    }

    public String id() {
        return id;
    }

    /** Runs the model on one input tensor; outputs in the model's declared order. */
    public List<Tensor> run(float[] input, long[] shape) {
        return run(input.length, shape, b -> b.put(input));
    }

    /**
     * Runs the model on an input that {@code fill} writes straight into the (direct, reused) input
     * buffer, sequentially from position 0: no float[] to allocate and copy per frame.
     */
    public List<Tensor> run(int floats, long[] shape, java.util.function.Consumer<FloatBuffer> fill) {
        FloatBuffer direct = inputBuffer(floats);
        fill.accept(direct);
        if (direct.position() != floats) throw new IllegalStateException("input filled with " + direct.position() + " floats, expected " + floats);
        direct.flip(); // a direct buffer is handed to ORT without another copy
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, direct, shape);
             OrtSession.Result result = timedRun(tensor)) {
            List<Tensor> out = new ArrayList<>(outputNames.size());
            for (String name : outputNames) {
                OnnxValue v = result.get(name).orElseThrow();
                OnnxTensor t = (OnnxTensor) v;
                FloatBuffer fb = t.getFloatBuffer(); // already a copy owned by us
                float[] data;
                if (fb.hasArray() && fb.arrayOffset() == 0 && fb.position() == 0 && fb.remaining() == fb.array().length) {
                    data = fb.array();
                } else {
                    data = new float[fb.remaining()];
                    fb.get(data);
                }
                out.add(new Tensor(data, t.getInfo().getShape()));
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("model " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** One direct input buffer per worker thread, grown as needed: no 2 MB allocation per frame. */
    private static final ThreadLocal<FloatBuffer> INPUT = new ThreadLocal<>();

    private static FloatBuffer inputBuffer(int floats) {
        FloatBuffer b = INPUT.get();
        if (b == null || b.capacity() < floats) {
            b = java.nio.ByteBuffer.allocateDirect(floats * 4).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
            INPUT.set(b);
        }
        b.clear();
        return b;
    }

    private OrtSession.Result timedRun(OnnxTensor tensor) throws OrtException {
        long t0 = System.nanoTime();
        try {
            return session.run(Map.of(inputName, tensor));
        } finally {
            runNanos.addAndGet(System.nanoTime() - t0);
        }
    }

    /** Total time spent inside ONNX Runtime's run() so far: the benchmark's "bare" inference time. */
    public long runNanos() {
        return runNanos.get();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
