package perception.tests.llm.bench;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ChatRequest;
import perception.llm.gguf.GgufChatModel;
import perception.tests.TestGateway;

/**
 * The GGUF engine measured as a client sees it, against llama.cpp's binding called directly, in
 * the same run and process, on the default model (SmolLM2-135M-Instruct Q4_1), greedy:
 * <ol>
 * <li>time to first token and decode tokens/s: streamed {@code /v1/chat/completions} over HTTP
 * (route, bus, fusion, template, engine, SSE) vs {@code LlamaModel.generate} on the same prompt
 * text, with the same threads and one slot each; runs alternate, each with a new question (so no
 * run reads another's cached prompt beyond the shared system prompt);</li>
 * <li>a five-turn conversation through the gateway: time to first token of each turn with the
 * conversation's KV cache reused, against the same turn-5 prompt sent cold (its cache evicted);</li>
 * <li>the process's RSS before and after the gateway loaded the model.</li>
 * </ol>
 * <pre>./run-gateway bench gguf [runs] [tokens]</pre>
 */
public final class GgufBench {
    static final String SYSTEM = "You are a helpful assistant.";
    static final String[] TOPICS = {"a dragon", "a lighthouse", "a robot", "a river", "a violin", "a mountain", "a clock", "a garden",
            "a train", "a comet", "a library", "a storm"};
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private GgufBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 96;
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        Path file = TestGateway.modelsDir().resolve("smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf");
        long rss0 = rssKb();
        try (TestGateway gw = TestGateway.start(TestGateway.withDefaultLlm("speech", "false", "analyzers", "",
                "llm_slots", "1", "llm_threads", String.valueOf(threads), "llm_context", "4096"))) {
            long rss1 = rssKb();
            System.out.printf("RSS before the gateway %d MB, with the gateway and smollm2-135m loaded %d MB (+%d MB); %d threads, %d cores%n",
                    rss0 / 1024, rss1 / 1024, (rss1 - rss0) / 1024, threads, Runtime.getRuntime().availableProcessors());
            GgufChatModel renderer = GgufChatModel.load("render", file, new GgufChatModel.Options(1, 1, 4096));
            ModelParameters direct = new ModelParameters().setModel(file.toString()).setCtxSize(4096).setParallel(1)
                    .setThreads(threads).setThreadsBatch(threads).disableContextShift().disableLog();
            try (LlamaModel raw = new LlamaModel(direct)) {
                compare(gw, raw, renderer, runs, tokens);
                conversation(gw);
            } finally {
                renderer.close();
            }
        }
        System.out.printf("load average at the end: %s%n", Files.readString(Path.of("/proc/loadavg")).strip());
        System.exit(0);
    }

    static void compare(TestGateway gw, LlamaModel raw, GgufChatModel renderer, int runs, int tokens) throws Exception {
        List<double[]> viaGateway = new ArrayList<>(), viaBinding = new ArrayList<>();
        for (int run = -1; run < runs; run++) { // run -1 warms both up
            String question = "Write a long story about " + TOPICS[(run + 1) % TOPICS.length] + ".";
            String prompt = renderer.prompt(ChatRequest.of(List.of(ChatMessage.text(Role.SYSTEM, SYSTEM), ChatMessage.text(Role.USER, question)), tokens));
            double[] b = binding(raw, prompt, tokens);
            double[] g = gateway(gw, question, tokens);
            if (run >= 0) {
                viaBinding.add(b);
                viaGateway.add(g);
                System.out.printf("run %d: binding ttft %.1f ms, %.1f tok/s (%d tokens); gateway ttft %.1f ms, %.1f tok/s (%d tokens)%n",
                        run + 1, b[0], b[1], (int) b[2], g[0], g[1], (int) g[2]);
            }
        }
        double bt = median(viaBinding, 0), bs = median(viaBinding, 1), gt = median(viaGateway, 0), gs = median(viaGateway, 1);
        System.out.printf("median time to first token: binding %.1f ms, gateway %.1f ms (+%.1f ms)%n", bt, gt, gt - bt);
        System.out.printf("median decode: binding %.1f tok/s, gateway %.1f tok/s: gateway/binding = %.3f%n", bs, gs, gs / bs);
    }

    /** {ttft ms, decode tok/s after the first token, tokens}. */
    static double[] binding(LlamaModel raw, String prompt, int tokens) {
        InferenceParameters p = new InferenceParameters(prompt).setCachePrompt(true).setNPredict(tokens).setTemperature(0)
                .setTopK(0).setTopP(1).setMinP(0).setRepeatPenalty(1);
        long t0 = System.nanoTime();
        double first = 0, last = 0;
        int n = 0;
        for (LlamaOutput o : raw.generate(p)) {
            if (o.text.isEmpty()) continue;
            last = (System.nanoTime() - t0) / 1e6;
            if (n++ == 0) first = last;
        }
        return new double[] {first, (n - 1) / ((last - first) / 1000), n};
    }

    static double[] gateway(TestGateway gw, String question, int tokens) throws Exception {
        JsonObject body = new JsonObject().put("model", "smollm2-135m").put("stream", true).put("max_tokens", tokens)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "system").put("content", SYSTEM))
                        .add(new JsonObject().put("role", "user").put("content", question)));
        long t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions")))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        double first = 0, last = 0;
        int n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body()))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: {")) continue;
                JsonArray choices = new JsonObject(line.substring(6)).getJsonArray("choices");
                if (choices.isEmpty()) continue;
                String content = choices.getJsonObject(0).getJsonObject("delta").getString("content");
                if (content == null || content.isEmpty()) continue;
                last = (System.nanoTime() - t0) / 1e6;
                if (n++ == 0) first = last;
            }
        }
        return new double[] {first, (n - 1) / ((last - first) / 1000), n};
    }

    /** Five turns of one conversation, then its fifth turn again after another conversation took the slot. */
    static void conversation(TestGateway gw) throws Exception {
        String[] questions = {"Tell me about the planet Mars.", "How far is it from the Sun?", "Could people live there?",
                "What would they need to bring?", "Summarise what we said in one sentence."};
        JsonArray messages = new JsonArray().add(new JsonObject().put("role", "system").put("content", SYSTEM));
        double[] ttft = new double[questions.length];
        int[] promptTokens = new int[questions.length];
        for (int t = 0; t < questions.length; t++) {
            messages.add(new JsonObject().put("role", "user").put("content", questions[t]));
            JsonObject answer = plain(gw, messages, 80);
            ttft[t] = answer.getJsonObject("timings").getDouble("first_token_ms");
            promptTokens[t] = answer.getJsonObject("usage").getInteger("prompt_tokens");
            messages.add(new JsonObject().put("role", "assistant").put("content",
                    answer.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")));
            System.out.printf("turn %d: %d prompt tokens, first token after %.1f ms (server timing)%n", t + 1, promptTokens[t], ttft[t]);
        }
        // the slot now holds another conversation: turn 5's prompt must be read whole
        plain(gw, new JsonArray().add(new JsonObject().put("role", "user").put("content", "Name a colour.")), 5);
        JsonArray fifth = new JsonArray(messages.getList().subList(0, messages.size() - 1));
        double cold = plain(gw, fifth, 80).getJsonObject("timings").getDouble("first_token_ms");
        System.out.printf("turn 5 vs turn 1 time to first token: %.2f (%d vs %d prompt tokens); turn 5 with its cache evicted: %.1f ms, "
                + "cached/cold = %.2f%n", ttft[4] / ttft[0], promptTokens[4], promptTokens[0], cold, ttft[4] / cold);
    }

    static JsonObject plain(TestGateway gw, JsonArray messages, int tokens) throws Exception {
        JsonObject body = new JsonObject().put("model", "smollm2-135m").put("max_tokens", tokens).put("messages", messages);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions")))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException(r.body());
        return new JsonObject(r.body());
    }

    static double median(List<double[]> rows, int col) {
        double[] v = rows.stream().mapToDouble(r -> r[col]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }
}
