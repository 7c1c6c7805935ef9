package perception.tests.speech.bench;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import perception.speech.Audio;
import perception.speech.VoskTranscriber;
import perception.speech.WordErrorRate;
import perception.tests.TestGateway;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;

/**
 * Speed of the speech sense, through a real gateway on a real socket:
 * <ol>
 * <li>real-time factor of one stream, and wall time through the gateway (HTTP) vs Vosk called
 *     directly in-process on the same 16 kHz file;
 * <li>how many real-time WebSocket streams the machine sustains (each paced like a microphone,
 *     0.1 s frames; sustained = the final result comes within 1 s of eof for every stream);
 * <li>final-result latency after eof for a ~5 s utterance;
 * <li>TTS time to first audio byte for a three-sentence text.
 * </ol>
 * Run: {@code mvn -B -o -Dmodels.skip=true -pl tests test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=perception.tests.speech.bench.SpeechBenchmark}
 */
public final class SpeechBenchmark {

    public static void main(String[] args) throws Exception {
        List<String> sentences = SpeechFixtures.sentences();
        List<byte[]> pcm = sentences.stream().map(s -> SpeechFixtures.speak(s, 16000)).toList();
        byte[] all = join(pcm);
        double seconds = all.length / 32000.0;
        System.out.printf(Locale.ROOT, "cores: %d, recording: %d sentences, %.1f s%n", Runtime.getRuntime().availableProcessors(), sentences.size(), seconds);

        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "none");
             VoskTranscriber direct = VoskTranscriber.load(TestGateway.modelsDir().resolve("vosk-en"))) {
            SpeechClient client = new SpeechClient(gw.port());
            byte[] wav = SpeechClient.wav(all, 16000);
            Audio audio = Audio.fromPcm16le(all, 16000);
            client.transcribe(SpeechClient.wav(pcm.get(0), 16000)); // warm-up
            direct.transcribe(Audio.fromPcm16le(pcm.get(0), 16000));
            double[] directS = new double[3], gatewayS = new double[3];
            String heard = "";
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                direct.transcribe(audio);
                directS[i] = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                heard = new JsonObject(client.transcribe(wav).body()).getString("text");
                gatewayS[i] = (System.nanoTime() - t0) / 1e9;
            }
            double d = median(directS), g = median(gatewayS);
            System.out.printf(Locale.ROOT, "file, one stream: Vosk direct %.2f s (RTF %.3f), gateway HTTP %.2f s (RTF %.3f), gateway/direct %.3f, WER %.1f %%%n",
                    d, d / seconds, g, g / seconds, g / d, 100 * WordErrorRate.of(String.join(" ", sentences), heard));

            byte[] five = join(pcm.subList(0, 2));
            double[] lat = new double[3];
            for (int i = 0; i < 3; i++) {
                SpeechClient.Session s = client.stream(five, 16000, 3200, true);
                lat[i] = (s.finalAtNanos - s.eofAtNanos) / 1e6;
            }
            System.out.printf(Locale.ROOT, "streaming %.1f s utterance in real time: final result %.0f ms after eof (median of 3: %s)%n",
                    five.length / 32000.0, median(lat), Arrays.toString(lat));

            byte[] stream = join(pcm.subList(0, 4));
            int sustained = 0;
            for (int k : new int[]{1, 2, 3, 4, 5, 6, 8}) {
                double[] lags = streams(client, stream, k);
                double worst = Arrays.stream(lags).max().orElse(0);
                System.out.printf(Locale.ROOT, "%d real-time streams of %.1f s: final after eof, worst %.0f ms, median %.0f ms%n",
                        k, stream.length / 32000.0, worst, median(lags));
                if (worst > 1000) break;
                sustained = k;
            }
            System.out.printf("real-time streams sustained (final <= 1 s after eof): %d%n", sustained);

            String text = "Good morning, and welcome to the perception gateway. The weather today is sunny with a light breeze. Please take a seat.";
            double[] first = new double[3], total = new double[3];
            double spoken = 0;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                var r = client.speechStream(new JsonObject().put("model", "tts-1").put("voice", "alloy").put("input", text).put("response_format", "pcm").encode());
                try (InputStream in = r.body()) {
                    int b = in.read();
                    first[i] = (System.nanoTime() - t0) / 1e6;
                    long n = b < 0 ? 0 : 1 + in.transferTo(OutputStreamSink.INSTANCE);
                    total[i] = (System.nanoTime() - t0) / 1e6;
                    spoken = n / 48000.0;
                }
            }
            System.out.printf(Locale.ROOT, "TTS, 3 sentences (%.1f s of audio at 24 kHz): first audio after %.0f ms, whole body %.0f ms (medians of 3)%n",
                    spoken, median(first), median(total));
        }
        System.exit(0);
    }

    /** k concurrent real-time streams; returns each stream's final-after-eof latency in ms. */
    static double[] streams(SpeechClient client, byte[] pcm, int k) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(k);
        try {
            List<Future<SpeechClient.Session>> fs = new ArrayList<>();
            for (int i = 0; i < k; i++) fs.add(pool.submit(() -> client.stream(pcm, 16000, 3200, true)));
            double[] lags = new double[k];
            for (int i = 0; i < k; i++) {
                SpeechClient.Session s = fs.get(i).get();
                lags[i] = (s.finalAtNanos - s.eofAtNanos) / 1e6;
            }
            return lags;
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] join(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
            out.writeBytes(new byte[9600]); // 0.3 s pause
        }
        return out.toByteArray();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
