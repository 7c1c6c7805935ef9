package perception.speech;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Silero VAD v5 network: one shared, thread-safe ONNX session; the recurrent state lives with
 * the caller ({@link VoiceActivityDetector}). Input is 512 samples at 16 kHz preceded by the last
 * 64 samples of the previous frame, as the reference implementation feeds it.
 */
public final class SileroVad implements AutoCloseable {
    public static final int SAMPLE_RATE = 16000;
    public static final int FRAME = 512;
    static final int CONTEXT = 64;
    static final int STATE = 2 * 128;

    private final OrtEnvironment env;
    private final OrtSession session;

    private SileroVad(OrtEnvironment env, OrtSession session) {
        this.env = env;
        this.session = session;
    }

    public static SileroVad load(Path onnx) throws OrtException {
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalStateException("Silero VAD model missing at " + onnx + ": run ./run-gateway models fetch silero-vad");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1); // tiny network: threads cost more than they save
        options.setInterOpNumThreads(1);
        return new SileroVad(env, env.createSession(onnx.toString(), options));
    }

    /**
     * Speech probability of one frame. {@code input} holds CONTEXT + FRAME samples; {@code state}
     * (2×128 floats) is read and replaced by the new state.
     */
    float probability(float[] input, float[] state) {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[]{1, input.length});
             OnnxTensor h = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[]{2, 1, 128});
             OnnxTensor sr = OnnxTensor.createTensor(env, (long) SAMPLE_RATE);
             OrtSession.Result r = session.run(Map.of("input", x, "state", h, "sr", sr))) {
            float p = ((float[][]) r.get("output").orElseThrow().getValue())[0][0];
            FloatBuffer next = ((OnnxTensor) r.get("stateN").orElseThrow()).getFloatBuffer();
            next.get(state, 0, STATE);
            return p;
        } catch (OrtException e) {
            throw new IllegalStateException("Silero VAD inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
