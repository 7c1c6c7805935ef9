package perception.tests.wyoming.bench;

import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;
import perception.tests.wyoming.WyomingClient;

/**
 * The Wyoming server against the same work over HTTP, one gateway, one run:
 * <ol>
 * <li>speech to text, each test sentence (16 kHz mono, 1,024-sample chunks): Wyoming with the audio
 *     streamed in real time, audio-stop → transcript (what Home Assistant waits after the user
 *     stops); Wyoming with all audio sent at once, first event → transcript; and POST
 *     /v1/audio/transcriptions with the same audio as WAV, request → response;
 * <li>text to speech, a three-sentence text: synthesize → first audio-chunk and → audio-stop,
 *     against POST /v1/audio/speech (pcm) → first byte and → end of body.
 * </ol>
 * Medians over the sentences (and rounds). Run (after building the modules, see README):
 * {@code mvn -B -o -Dmodels.skip=true -Dgateway.models.dir=$PWD/models -pl tests test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=perception.tests.wyoming.bench.WyomingBench}
 */
public final class WyomingBench {
    static final int CHUNK = 2048; // 1,024 samples of 16-bit mono

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        List<String> sentences = SpeechFixtures.sentences();
        List<byte[]> pcm = sentences.stream().map(s -> SpeechFixtures.speak(s, 16000)).toList();
        System.out.printf(Locale.ROOT, "cores: %d, load average %.1f, %d sentences x %d rounds%n", Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), sentences.size(), rounds);
        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "none", "wyoming_port", "0")) {
            int port = gw.gateway().wyomingPort();
            SpeechClient http = new SpeechClient(gw.port());
            warmUp(port, http, pcm.get(0));

            List<Double> paced = new ArrayList<>(), burst = new ArrayList<>(), post = new ArrayList<>();
            int errors = 0, words = 0;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < pcm.size(); i++) {
                    byte[] audio = pcm.get(i);
                    try (WyomingClient c = new WyomingClient(port)) {
                        c.send("transcribe", new JsonObject().put("language", "en"));
                        c.send("audio-start", WyomingClient.format(16000, 2, 1));
                        long start = System.nanoTime();
                        for (int o = 0; o < audio.length; o += CHUNK) {
                            long due = start + (long) (o / 32000.0 * 1e9);
                            long wait = due - System.nanoTime();
                            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            c.send("audio-chunk", WyomingClient.format(16000, 2, 1), Arrays.copyOfRange(audio, o, Math.min(audio.length, o + CHUNK)));
                        }
                        long t0 = System.nanoTime();
                        c.send("audio-stop", null);
                        String text = c.await("transcript").text();
                        paced.add((System.nanoTime() - t0) / 1e6);
                        errors += WordErrorRate.errors(sentences.get(i), text);
                        words += WordErrorRate.words(sentences.get(i)).size();
                    }
                    try (WyomingClient c = new WyomingClient(port)) {
                        long t0 = System.nanoTime();
                        c.transcribe(audio, 16000, 2, 1, CHUNK);
                        burst.add((System.nanoTime() - t0) / 1e6);
                    }
                    long t0 = System.nanoTime();
                    var response = http.transcribe(SpeechClient.wav(audio, 16000));
                    if (response.statusCode() != 200) throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
                    post.add((System.nanoTime() - t0) / 1e6);
                }
            }
            double seconds = pcm.stream().mapToInt(p -> p.length).sum() / 32000.0 / pcm.size();
            System.out.printf(Locale.ROOT, "STT, %d utterances of %.1f s on average, WER %.1f %% over Wyoming%n", paced.size(), seconds, 100.0 * errors / words);
            print("  Wyoming, streamed in real time: audio-stop -> transcript", paced);
            print("  Wyoming, all audio at once: first event -> transcript", burst);
            print("  HTTP POST /v1/audio/transcriptions (WAV): request -> response", post);

            String text = "Good morning, and welcome to the perception gateway. The weather today is sunny with a light breeze. Please take a seat.";
            List<Double> wyFirst = new ArrayList<>(), wyAll = new ArrayList<>(), httpFirst = new ArrayList<>(), httpAll = new ArrayList<>();
            double spoken = 0;
            for (int r = 0; r < Math.max(5, rounds); r++) {
                try (WyomingClient c = new WyomingClient(port)) {
                    long t0 = System.nanoTime();
                    c.send("synthesize", new JsonObject().put("text", text).put("voice", new JsonObject().put("name", "kevin16")));
                    c.await("audio-chunk");
                    wyFirst.add((System.nanoTime() - t0) / 1e6);
                    c.await("audio-stop");
                    wyAll.add((System.nanoTime() - t0) / 1e6);
                    spoken = c.audio().length / 32000.0;
                }
                long t0 = System.nanoTime();
                var r2 = http.speechStream(new JsonObject().put("model", "tts-1").put("voice", "alloy").put("input", text).put("response_format", "pcm").encode());
                try (InputStream in = r2.body()) {
                    in.read();
                    httpFirst.add((System.nanoTime() - t0) / 1e6);
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                    httpAll.add((System.nanoTime() - t0) / 1e6);
                }
            }
            System.out.printf(Locale.ROOT, "TTS, 3 sentences (%.1f s of speech), %d rounds%n", spoken, wyFirst.size());
            print("  Wyoming synthesize -> first audio-chunk (16 kHz)", wyFirst);
            print("  Wyoming synthesize -> audio-stop", wyAll);
            print("  HTTP POST /v1/audio/speech (pcm, 24 kHz) -> first byte", httpFirst);
            print("  HTTP POST /v1/audio/speech -> end of body", httpAll);
        }
        System.exit(0);
    }

    static void warmUp(int port, SpeechClient http, byte[] audio) throws Exception {
        try (WyomingClient c = new WyomingClient(port)) {
            c.transcribe(audio, 16000, 2, 1, CHUNK);
        }
        try (WyomingClient c = new WyomingClient(port)) {
            c.send("synthesize", new JsonObject().put("text", "Warming up."));
            c.await("audio-stop");
        }
        http.transcribe(SpeechClient.wav(audio, 16000));
        http.speech(new JsonObject().put("model", "tts-1").put("input", "Warming up.").put("response_format", "pcm").encode());
    }

    static void print(String what, List<Double> ms) {
        double[] s = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.printf(Locale.ROOT, "%-66s median %6.0f ms, p90 %6.0f ms, min %5.0f, max %5.0f%n", what,
                s[s.length / 2], s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)], s[0], s[s.length - 1]);
    }
}
