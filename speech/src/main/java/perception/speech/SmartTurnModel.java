package perception.speech;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Smart Turn v3.2 (pipecat-ai, BSD-2): from the sound of the last 8 s, whether the speaker has
 * finished their turn. A Whisper-tiny encoder with a linear head, int8 ONNX; input
 * {@code input_features} [1, 80, 800] ({@link WhisperFeatures}), output the probability that the
 * turn is complete. As pipecat's {@code LocalSmartTurnAnalyzerV3}: the last 8 s of audio, left-padded
 * with zeros when shorter, so the end of speech always sits at the end of the window.
 *
 * <p>One session for the whole process (ONNX Runtime's run is thread-safe); callers keep their own
 * audio and call {@link #probability} from a worker thread, never an event loop (about 50 ms of CPU).
 */
public final class SmartTurnModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SmartTurnModel.class);
    public static final int SAMPLE_RATE = WhisperFeatures.SAMPLE_RATE;
    /** Samples the model reads: 8 s. */
    public static final int WINDOW = WhisperFeatures.SAMPLES;

    private final OrtEnvironment env;
    private final OrtSession session;

    private SmartTurnModel(OrtEnvironment env, OrtSession session) {
        this.env = env;
        this.session = session;
    }

    /** Loads the model; {@code threads} ONNX Runtime threads per decision (1, as pipecat's default: decisions are short and sessions many). */
    public static SmartTurnModel load(Path onnx, int threads) throws OrtException {
        if (!Files.isRegularFile(onnx)) {
            throw new IllegalStateException("Smart Turn model missing at " + onnx + ": run ./run-gateway models fetch smart-turn-v3");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Math.max(1, threads));
        options.setInterOpNumThreads(1);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        SmartTurnModel model = new SmartTurnModel(env, env.createSession(onnx.toString(), options));
        log.info("Smart Turn v3 loaded from {} ({} thread{})", onnx, Math.max(1, threads), threads > 1 ? "s" : "");
        return model;
    }

    /** The last 8 s of {@code audio[from, to)}, left-padded with zeros to exactly 8 s. */
    public static float[] window(float[] audio, int from, int to) {
        float[] w = new float[WINDOW];
        int n = Math.min(to - from, WINDOW);
        System.arraycopy(audio, to - n, w, WINDOW - n, n);
        return w;
    }

    /** The probability that the turn is complete, judged from the last 8 s of {@code audio[from, to)} (16 kHz). */
    public float probability(float[] audio, int from, int to) {
        return probabilityOfFeatures(WhisperFeatures.compute(window(audio, from, to), 0, WINDOW));
    }

    /** The model alone, on features from {@link WhisperFeatures#compute}. */
    public float probabilityOfFeatures(float[] features) {
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(features), new long[]{1, WhisperFeatures.N_MELS, WhisperFeatures.FRAMES});
             OrtSession.Result r = session.run(Map.of("input_features", x))) {
            return ((float[][]) r.get(0).getValue())[0][0];
        } catch (OrtException e) {
            throw new IllegalStateException("Smart Turn inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
