package perception.tests.realtime.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import perception.speech.Audio;
import perception.tests.TestGateway;
import perception.tests.realtime.RealtimeClient;
import perception.tests.realtime.SpokenTestModel;
import perception.tests.speech.SpeechFixtures;

/**
 * Per-turn latency of /v1/realtime with the embedded test LLM: speak a question (real-time paced,
 * silence after it), read the response.done latency figures (speech_stopped → transcript, → first
 * LLM token, → first audio delta), cancel the rest of the answer, repeat. Prints p50/p95.
 *
 * <pre>java -cp ... perception.tests.realtime.bench.RealtimeLatencyBench [turns]</pre>
 */
public final class RealtimeLatencyBench {
    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        String[] questions = {"What will the weather be like tomorrow?", "Please turn on the kitchen lights.",
                "How many apples are in the basket?", "Tell me something interesting."};
        List<Long> transcript = new ArrayList<>(), firstToken = new ArrayList<>(), firstAudio = new ArrayList<>();
        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "embedded",
                "llm_model_dir", SpokenTestModel.write(Files.createTempDirectory("spoken-llm")).toString());
             RealtimeClient c = new RealtimeClient(gw.port())) {
            c.await("session.created", 5000);
            for (int t = 0; t < turns + 2; t++) {
                float[] speech = Audio.fromPcm16le(SpeechFixtures.speak(questions[t % questions.length], 16000), 16000).samples();
                float[] audio = new float[speech.length + 16000];
                System.arraycopy(speech, 0, audio, 0, speech.length);
                c.speak(audio);
                c.await("response.output_audio.delta", 30_000);
                c.send(new JsonObject().put("type", "response.cancel"));
                JsonObject latency = c.await("response.done", 30_000).getJsonObject("response").getJsonObject("latency_ms");
                if (t < 2) continue; // warm-up turns
                transcript.add(latency.getLong("transcript"));
                firstToken.add(latency.getLong("first_token"));
                firstAudio.add(latency.getLong("first_audio"));
                System.out.println("turn " + (t - 1) + ": " + latency.encode());
            }
        }
        System.out.printf("turns=%d  speech_stopped→transcript p50 %d ms p95 %d ms | →first token p50 %d ms p95 %d ms | →first audio p50 %d ms p95 %d ms%n",
                turns, pct(transcript, 50), pct(transcript, 95), pct(firstToken, 50), pct(firstToken, 95), pct(firstAudio, 50), pct(firstAudio, 95));
        System.exit(0);
    }

    static long pct(List<Long> values, int p) {
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
