package perception.tests.assistant.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import perception.speech.Audio;
import perception.tests.TestGateway;
import perception.tests.realtime.RealtimeClient;
import perception.tests.speech.SpeechFixtures;

/**
 * Per-turn latency of a skill answer over /v1/realtime with no language model: speak a question
 * the built-in assistant answers with a skill (real-time paced, a second of silence after it), read
 * the response.done latency figures (speech_stopped → transcript, → first answer text, → first
 * audio delta), cancel the rest of the answer, repeat. Prints each turn and p50/p95.
 *
 * <pre>java -cp ... perception.tests.assistant.bench.AssistantLatencyBench [turns]</pre>
 */
public final class AssistantLatencyBench {
    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        String[] questions = {"What time is it in Tokyo?", "What is seventeen times twenty three?", "Convert five miles to kilometers.",
                "What time is it in New York?"};
        List<Long> transcript = new ArrayList<>(), firstToken = new ArrayList<>(), firstAudio = new ArrayList<>();
        int skillAnswers = 0;
        try (TestGateway gw = TestGateway.start("analyzers", "", "llm_backend", "none");
             RealtimeClient c = new RealtimeClient(gw.port())) {
            c.await("session.created", 5000);
            for (int t = 0; t < turns + 2; t++) {
                float[] speech = Audio.fromPcm16le(SpeechFixtures.speak(questions[t % questions.length], 16000), 16000).samples();
                float[] audio = new float[speech.length + 16000];
                System.arraycopy(speech, 0, audio, 0, speech.length);
                c.speak(audio);
                String heard = c.await("conversation.item.input_audio_transcription.completed", 30_000).getString("transcript");
                JsonObject first = c.await(e -> List.of("response.output_audio.delta", "error", "response.done").contains(e.getString("type")), 30_000);
                if (first.getString("type").equals("error")) throw new IllegalStateException("the answer failed: " + first.encode());
                if (!first.getString("type").equals("response.done")) c.send(new JsonObject().put("type", "response.cancel"));
                JsonObject response = first.getString("type").equals("response.done") ? first.getJsonObject("response")
                        : c.await("response.done", 30_000).getJsonObject("response");
                JsonObject latency = response.getJsonObject("latency_ms");
                String said = response.getJsonArray("output").getJsonObject(0).getJsonArray("content").getJsonObject(0).getString("transcript", "");
                if (t < 2) continue; // warm-up turns
                boolean skill = !said.startsWith("Sorry");
                if (skill) skillAnswers++;
                transcript.add(latency.getLong("transcript"));
                firstToken.add(latency.getLong("first_token"));
                firstAudio.add(latency.getLong("first_audio"));
                System.out.println("turn " + (t - 1) + " heard '" + heard + "' → " + (skill ? "skill" : "fallback") + ": " + latency.encode());
            }
            // printed before the gateway stops, so a slow shutdown on a busy machine cannot lose the figures
            System.out.printf("turns=%d (skill answers %d)  speech_stopped→transcript p50 %d ms p95 %d ms | →first answer text p50 %d ms"
                            + " p95 %d ms | →first audio p50 %d ms p95 %d ms%n", turns, skillAnswers, pct(transcript, 50), pct(transcript, 95),
                    pct(firstToken, 50), pct(firstToken, 95), pct(firstAudio, 50), pct(firstAudio, 95));
        }
        System.exit(0);
    }

    static long pct(List<Long> values, int p) {
        List<Long> s = new ArrayList<>(values);
        s.sort(null);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(p / 100.0 * s.size()) - 1));
    }
}
