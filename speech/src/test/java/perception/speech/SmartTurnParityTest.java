package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java Smart Turn equals pipecat's: on 36 clips (FreeTTS sentences whole, cut mid-word at
 * several points, longer than the 8 s window, with noise; silence; noise; a very short clip) the
 * features are within 1e-3 and the probability within 0.01 of pipecat's own
 * {@code LocalSmartTurnAnalyzerV3} and {@code compute_whisper_log_mel_features}, run in a venv
 * this test makes under target/ (pipecat-ai of the same version as models.json's source, with the
 * packages its smart-turn code imports). No venv and none can be made: the test fails, saying how.
 */
class SmartTurnParityTest {
    /** The pipecat release whose wheel models.json takes the model from. */
    static final String PIPECAT = "pipecat-ai==1.14.0";
    /**
     * What pipecat's smart-turn v3 code imports (pipecat-ai's own pins), installed without the rest
     * of pipecat's many dependencies, and ONNX Runtime at the Java binding's version: the int8
     * model's kernels differ between releases (pipecat's own pin, 1.32.0, moved one clip's
     * probability by 0.21 against 1.23.2, whichever language calls it), and this test is about the
     * Java code in front of the runtime, not the runtime.
     */
    static List<String> pythonDeps() {
        return List.of("numpy<3,>=1.26.4", "onnxruntime==" + ORT_VERSION, "soxr~=1.0.0", "loguru~=0.7.3",
                "pydantic<3,>=2.10.6", "wait_for2<1,>=0.4.1; python_version < \"3.12\"");
    }

    static final String ORT_VERSION = ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
    static final String CHECK = "import onnxruntime, sys; import pipecat.audio.turn.smart_turn.local_smart_turn_v3; sys.exit(0 if onnxruntime.__version__ == '"
            + ORT_VERSION + "' else 3)";
    static final Path VENV = Path.of("target/smartturn-venv");

    static SmartTurnModel model;

    static Path modelFile() {
        Path f = Path.of(System.getProperty("gateway.models.dir", "../models")).resolve("smart-turn-v3/smart-turn-v3.2-cpu.onnx");
        if (!Files.isRegularFile(f)) fail("Smart Turn model missing at " + f.toAbsolutePath() + ": run ./run-gateway models fetch smart-turn-v3");
        return f;
    }

    @BeforeAll
    static void load() throws Exception {
        model = SmartTurnModel.load(modelFile(), 1);
    }

    /** The reference's python, making the venv first when there is none. */
    static Path python() throws Exception {
        Path py = VENV.resolve("bin/python");
        if (Files.isExecutable(py) && run(List.of(py.toString(), "-c", CHECK), 120) == 0) return py;
        String how = "make it by hand: python3 -m venv " + VENV.toAbsolutePath() + " && " + VENV.toAbsolutePath() + "/bin/pip install --no-deps "
                + PIPECAT + " && " + VENV.toAbsolutePath() + "/bin/pip install " + String.join(" ", pythonDeps().stream().map(d -> "'" + d + "'").toList());
        List<List<String>> steps = List.of(List.of("python3", "-m", "venv", VENV.toString()),
                List.of(VENV.resolve("bin/pip").toString(), "install", "-q", "--disable-pip-version-check", "--no-deps", PIPECAT));
        List<String> deps = new ArrayList<>(List.of(VENV.resolve("bin/pip").toString(), "install", "-q", "--disable-pip-version-check", "--no-warn-conflicts"));
        deps.addAll(pythonDeps());
        for (List<String> step : Files.isExecutable(py) ? List.of(deps) : List.of(steps.get(0), steps.get(1), deps)) {
            int rc = run(step, 900);
            if (rc != 0) fail("could not make the reference venv (" + String.join(" ", step) + " exited " + rc + "; needs python3 with venv and PyPI): " + how);
        }
        if (run(List.of(py.toString(), "-c", CHECK), 120) != 0) {
            fail("the venv at " + VENV.toAbsolutePath() + " cannot import pipecat's smart turn: delete it and " + how);
        }
        return py;
    }

    static int run(List<String> command, int seconds) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    /** As a PCM16 stream gives it: samples on the int16 grid, so both sides read the same floats. */
    static float[] pcm(float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = Math.max(-32768, Math.min(32767, Math.round(x[i] * 32768f))) / 32768f;
        return y;
    }

    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static float[] silence(double seconds) {
        return new float[(int) (seconds * 16000)];
    }

    static float[] noise(double seconds, double amplitude, long seed) {
        Random r = new Random(seed);
        float[] x = new float[(int) (seconds * 16000)];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * amplitude);
        return x;
    }

    static List<float[]> clips() {
        List<float[]> clips = new ArrayList<>();
        List<String> sentences = SpeechFixtures.sentences().subList(0, 10);
        for (int s = 0; s < sentences.size(); s++) {
            float[] speech = SpeechFixtures.speak(sentences.get(s)).samples();
            clips.add(pcm(concat(silence(0.3), speech, silence(0.2))));                        // whole, 200 ms after
            double cut = 0.35 + 0.05 * s;                                                       // cut mid-sentence, at 35..80 %
            clips.add(pcm(concat(silence(0.3), java.util.Arrays.copyOf(speech, (int) (speech.length * cut)), silence(0.2))));
            clips.add(pcm(concat(java.util.Arrays.copyOf(speech, (int) (speech.length * (cut + 0.15))), silence(0.5))));
        }
        float[] many = new float[0];
        for (String s : sentences.subList(0, 4)) many = concat(many, SpeechFixtures.speak(s).samples(), silence(0.3));
        clips.add(pcm(many));                                                                   // longer than 8 s: the last 8 s are read
        float[] noisy = SpeechFixtures.speak(sentences.get(3)).samples();
        float[] n = noise(noisy.length / 16000.0, 0.01, 7);
        for (int i = 0; i < noisy.length; i++) noisy[i] += n[i];
        clips.add(pcm(concat(noisy, noise(0.3, 0.01, 8))));                                     // speech in noise
        clips.add(silence(2));                                                                  // digital silence
        clips.add(pcm(noise(3, 0.05, 1)));                                                      // noise
        clips.add(pcm(noise(1, 0.002, 2)));                                                     // quiet room
        clips.add(pcm(java.util.Arrays.copyOf(SpeechFixtures.speak("Yes.").samples(), 4800)));  // 0.3 s
        return clips;
    }

    @Test
    void probabilityAndFeaturesEqualPipecats() throws Exception {
        Path py = python();
        List<float[]> clips = clips();
        assertTrue(clips.size() >= 30, "clips " + clips.size());
        Path dir = Files.createDirectories(Path.of("target/smartturn-parity"));
        Path in = dir.resolve("clips.f32"), out = dir.resolve("reference.bin");
        try (DataOutputStream d = new DataOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(in)))) {
            d.write(le(clips.size()));
            for (float[] c : clips) {
                d.write(le(c.length));
                ByteBuffer b = ByteBuffer.allocate(4 * c.length).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(c);
                d.write(b.array());
            }
        }
        Path script = dir.resolve("smartturn_reference.py");
        try (InputStream s = SmartTurnParityTest.class.getResourceAsStream("/smartturn_reference.py"); OutputStream o = Files.newOutputStream(script)) {
            s.transferTo(o);
        }
        assertEquals(0, run(List.of(py.toString(), script.toString(), in.toString(), out.toString()), 600), "pipecat's reference run failed (output above)");

        ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        int size = WhisperFeatures.N_MELS * WhisperFeatures.FRAMES;
        double worstP = 0, worstF = 0;
        StringBuilder table = new StringBuilder();
        for (int c = 0; c < clips.size(); c++) {
            double refP = ref.getDouble();
            float[] refF = new float[size];
            ref.asFloatBuffer().get(refF);
            ref.position(ref.position() + 4 * size);
            float[] clip = clips.get(c);
            float[] mine = WhisperFeatures.compute(SmartTurnModel.window(clip, 0, clip.length), 0, SmartTurnModel.WINDOW);
            double df = 0;
            for (int i = 0; i < size; i++) df = Math.max(df, Math.abs(mine[i] - refF[i]));
            float p = model.probability(clip, 0, clip.length);
            double dp = Math.abs(p - refP);
            table.append(String.format("clip %2d %5.2f s  pipecat %.4f  java %.4f  |dp| %.5f  max|df| %.6f%n", c, clip.length / 16000.0, refP, p, dp, df));
            worstP = Math.max(worstP, dp);
            worstF = Math.max(worstF, df);
        }
        System.out.print(table);
        System.out.printf("worst |dp| %.5f, worst |df| %.6f over %d clips%n", worstP, worstF, clips.size());
        assertTrue(worstF <= 1e-3, "features differ from pipecat's by up to " + worstF + "\n" + table);
        assertTrue(worstP <= 0.01, "probabilities differ from pipecat's by up to " + worstP + "\n" + table);
    }

    /** The model file is the one pipecat bundles (same sha256 as models.json pins). */
    @Test
    void theModelIsPinned() throws Exception {
        byte[] bytes = Files.readAllBytes(modelFile());
        assertEquals("2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
    }

    /** Cost of one decision (features + model), the number docs/turn-taking.md reports. */
    @Test
    void oneDecisionTakesTensOfMilliseconds() {
        float[] clip = pcm(concat(SpeechFixtures.speak("Turn on the kitchen lights please.").samples(), silence(0.2)));
        for (int i = 0; i < 3; i++) model.probability(clip, 0, clip.length); // warm up the JIT and ORT
        int runs = 10;
        long f0 = System.nanoTime();
        for (int i = 0; i < runs; i++) WhisperFeatures.compute(SmartTurnModel.window(clip, 0, clip.length), 0, SmartTurnModel.WINDOW);
        long f1 = System.nanoTime();
        for (int i = 0; i < runs; i++) model.probability(clip, 0, clip.length);
        long f2 = System.nanoTime();
        double features = (f1 - f0) / 1e6 / runs, decision = (f2 - f1) / 1e6 / runs;
        System.out.printf("features %.1f ms, decision (features + model) %.1f ms, 1 ORT thread%n", features, decision);
        assertTrue(decision < 1000, "one decision took " + decision + " ms");
    }

    static byte[] le(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
