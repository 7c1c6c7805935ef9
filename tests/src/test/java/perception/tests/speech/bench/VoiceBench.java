package perception.tests.speech.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import perception.speech.WordErrorRate;
import perception.speech.piper.PiperSynthesizer;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechClient;

/**
 * The voice, as a listener hears it and as fast as it speaks, all in one run on the same machine:
 * <ol>
 * <li>intelligibility: round-trip WER (synthesise through the gateway's /v1/audio/speech, then its
 *     own /v1/audio/transcriptions) over the sentences of voice-bench-sentences.txt, Piper
 *     (the default voice) vs FreeTTS kevin16 (goal: Piper at most a third of FreeTTS's WER);
 * <li>speed: time to the first audio and real-time factor of Piper in this JVM vs the reference
 *     piper-tts 1.8.0 (Python, same voice, same text, same threads: ONNX Runtime's default), and
 *     time to the first audio byte through the gateway (HTTP, one-sentence answer; goal p50 at
 *     most 250 ms).
 * </ol>
 * Run: {@code ./run-gateway bench voice}. piper-tts comes from a venv under target/ (made on
 * first use, like PiperParityTest's).
 */
public final class VoiceBench {
    /** The checkout: the models folder's parent (the bench runs from the root, the tests from tests/). */
    static final Path ROOT = TestGateway.modelsDir().toAbsolutePath().normalize().getParent();

    public static void main(String[] args) throws Exception {
        List<String> sentences;
        try (InputStream in = VoiceBench.class.getResourceAsStream("/voice-bench-sentences.txt")) {
            sentences = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "cores: %d, load average at start: %s, %d sentences%n", cores, load(), sentences.size());
        Path onnx = TestGateway.modelsDir().resolve("piper/en_US-joe-medium/en_US-joe-medium.onnx");

        // 1. the reference first (its own process, nothing else of ours running)
        Path list = Files.createTempFile("voice-bench", ".txt");
        Files.writeString(list, String.join("\n", sentences) + "\n");
        JsonNode ref = reference(onnx, list);

        // 2. Piper in this JVM, the reference's thread count (ONNX Runtime's default: every core)
        double[] ourFirst = new double[sentences.size()], ourRtf = new double[sentences.size()];
        double[] refFirst = new double[sentences.size()], refRtf = new double[sentences.size()];
        try (PiperSynthesizer piper = PiperSynthesizer.load(onnx, TestGateway.modelsDir().resolve("piper"), cores)) {
            piper.synthesize("Warm up.", 22050, 1.0, pcm -> { });
            for (int i = 0; i < sentences.size(); i++) {
                long t0 = System.nanoTime();
                long[] first = {0};
                long bytes = piper.synthesize(sentences.get(i), 22050, 1.0, pcm -> {
                    if (first[0] == 0) first[0] = System.nanoTime();
                });
                double total = (System.nanoTime() - t0) / 1e9;
                ourFirst[i] = (first[0] - t0) / 1e6;
                ourRtf[i] = total / (bytes / 2 / 22050.0);
                JsonNode r = ref.get("lines").get(i);
                refFirst[i] = r.get("first_s").asDouble() * 1000;
                refRtf[i] = r.get("total_s").asDouble() / (r.get("samples").asDouble() / 22050.0);
            }
        }
        System.out.printf(Locale.ROOT, "speed, %d threads, one sentence each: first audio p50 %.0f ms (piper-tts %.0f ms), p90 %.0f ms (piper-tts %.0f ms); RTF p50 %.3f (piper-tts %.3f) -> ours/piper-tts first %.2fx, RTF %.2fx%n",
                cores, pct(ourFirst, 50), pct(refFirst, 50), pct(ourFirst, 90), pct(refFirst, 90), pct(ourRtf, 50), pct(refRtf, 50),
                pct(ourFirst, 50) / pct(refFirst, 50), pct(ourRtf, 50) / pct(refRtf, 50));

        // 3. through the gateway: first audio byte of a one-sentence answer, and the round-trip WER of both voices
        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "none")) {
            SpeechClient client = new SpeechClient(gw.port());
            speak(client, "Warm up.", "alloy");
            speak(client, "Warm up.", "kevin16");
            double[] http = new double[20];
            for (int i = 0; i < http.length; i++) http[i] = firstByteMs(client, sentences.get(i % sentences.size()));
            System.out.printf(Locale.ROOT, "gateway /v1/audio/speech (pcm), one sentence: first audio byte p50 %.0f ms, p90 %.0f ms over %d (goal p50 <= 250 ms)%n",
                    pct(http, 50), pct(http, 90), http.length);
            int words = 0, piperErrors = 0, freeErrors = 0;
            List<String> worst = new ArrayList<>();
            for (String s : sentences) {
                String p = heard(client, speak(client, s, "alloy"));
                String f = heard(client, speak(client, s, "kevin16"));
                words += WordErrorRate.words(s).size();
                piperErrors += WordErrorRate.errors(s, p);
                freeErrors += WordErrorRate.errors(s, f);
                if (WordErrorRate.errors(s, p) > 1) worst.add("'" + s + "' -> piper '" + p + "'");
            }
            double pw = piperErrors / (double) words, fw = freeErrors / (double) words;
            System.out.printf(Locale.ROOT, "round-trip WER over %d sentences (%d words): Piper en_US-joe-medium %.1f %%, FreeTTS kevin16 %.1f %% -> Piper/FreeTTS %.2f (goal <= 0.33)%n",
                    sentences.size(), words, 100 * pw, 100 * fw, pw / fw);
            worst.forEach(w -> System.out.println("  " + w));
        }
        System.out.printf(Locale.ROOT, "load average at end: %s%n", load());
        System.exit(0);
    }

    static byte[] speak(SpeechClient client, String text, String voice) throws Exception {
        HttpResponse<byte[]> r = client.speech(new JsonObject().put("model", "tts-1").put("voice", voice).put("input", text).put("response_format", "wav").encode());
        if (r.statusCode() != 200) throw new IllegalStateException("speech " + r.statusCode() + ": " + new String(r.body()));
        return r.body();
    }

    static String heard(SpeechClient client, byte[] wav) throws Exception {
        return new JsonObject(client.transcribe(wav).body()).getString("text");
    }

    static double firstByteMs(SpeechClient client, String text) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = client.speechStream(new JsonObject().put("model", "tts-1").put("voice", "alloy").put("input", text).put("response_format", "pcm").encode());
        try (InputStream in = r.body()) {
            if (in.read() < 0) throw new IllegalStateException("no audio");
            double ms = (System.nanoTime() - t0) / 1e6;
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return ms;
        }
    }

    /** piper-tts 1.8.0 on the sentences (speech/src/test/resources/piper/reference.py), from a venv under target/. */
    static JsonNode reference(Path onnx, Path sentences) throws Exception {
        Path py = python();
        Path out = Files.createTempFile("voice-bench-ref", ".json");
        Process p = new ProcessBuilder(py.toString(), ROOT.resolve("speech/src/test/resources/piper/reference.py").toString(), onnx.toString(), sentences.toString(), out.toString())
                .inheritIO().start();
        if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) throw new IllegalStateException("piper-tts reference run failed");
        return new ObjectMapper().readTree(out.toFile());
    }

    static Path python() throws Exception {
        for (Path venv : List.of(ROOT.resolve("speech/target/piper-venv"), ROOT.resolve("tests/target/piper-venv"))) {
            Path py = venv.resolve("bin/python");
            if (Files.isExecutable(py) && new ProcessBuilder(py.toString(), "-c", "import piper").inheritIO().start().waitFor() == 0) return py;
        }
        Path venv = ROOT.resolve("tests/target/piper-venv");
        String how = "piper-tts==1.8.0 could not be installed: needs python3 with venv and PyPI; by hand: python3 -m venv " + venv.toAbsolutePath()
                + " && " + venv.toAbsolutePath() + "/bin/pip install piper-tts==1.8.0";
        if (new ProcessBuilder("python3", "-m", "venv", venv.toString()).inheritIO().start().waitFor() != 0) throw new IllegalStateException(how);
        if (new ProcessBuilder(venv.resolve("bin/pip").toString(), "install", "-q", "piper-tts==1.8.0").inheritIO().start().waitFor() != 0) throw new IllegalStateException(how);
        return venv.resolve("bin/python");
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }

    static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
