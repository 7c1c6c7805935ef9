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
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            List<Tensor> out = new ArrayList<>(outputNames.size());
            for (String name : outputNames) {
                OnnxValue v = result.get(name).orElseThrow();
                OnnxTensor t = (OnnxTensor) v;
                FloatBuffer fb = t.getFloatBuffer();
                float[] data = new float[fb.remaining()];
                fb.get(data);
                out.add(new Tensor(data, t.getInfo().getShape()));
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("model " + id + " failed: " + e.getMessage(), e);
        }
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
