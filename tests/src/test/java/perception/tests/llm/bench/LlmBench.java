package perception.tests.llm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatRequest;
import perception.llm.Sampling;
import perception.llm.embedded.EmbeddedChatModel;
import perception.llm.onnx.testmodel.RandomLlama;
import perception.llm.onnx.testmodel.TestModelFolder;

/**
 * Embedded runtime benchmark on a random-weight Llama with SmolLM2-135M's shapes (30 layers,
 * hidden 576, 9 heads / 3 KV heads, vocab 49152; about 540 MB of float32 weights): time to first
 * token, decode tokens/s, and the runtime's own overhead per token beyond ONNX Runtime's run calls
 * (sampling, detokenising, stop strings, tensors, logits copy), through the full chat path.
 *
 * <pre>
 * mvn -B -o -q -Dmodels.skip=true -pl tests test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Xmx6g -cp tests/target/test-classes:$(cat /tmp/cp.txt) perception.tests.llm.bench.LlmBench /tmp/smollm2-135m-random [threads] [tokens]
 * </pre>
 */
public final class LlmBench {
    private LlmBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir") + "/smollm2-135m-random");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        if (!Files.isRegularFile(dir.resolve("onnx/model.onnx"))) {
            long t0 = System.nanoTime();
            TestModelFolder.writeRandomLlama(dir, RandomLlama.Shape.SMOLLM2_135M, 42);
            System.out.printf("wrote %s (%.0f MB) in %.1f s%n", dir, Files.size(dir.resolve("onnx/model.onnx")) / 1e6, (System.nanoTime() - t0) / 1e9);
        }
        long t0 = System.nanoTime();
        try (EmbeddedChatModel model = EmbeddedChatModel.load(dir, new EmbeddedChatModel.Options(threads, true))) {
            System.out.printf("loaded in %.1f s, %d ORT threads, %d cores%n", (System.nanoTime() - t0) / 1e9, threads,
                    Runtime.getRuntime().availableProcessors());
            String question = "Describe, in a few sentences, what a perception gateway does with microphone audio, camera frames and a language model.";
            ChatRequest request = new ChatRequest(List.of(ChatMessage.text(ChatMessage.Role.SYSTEM, "You are a helpful assistant."),
                    ChatMessage.text(ChatMessage.Role.USER, question)), Sampling.GREEDY, List.of(), tokens);
            model.chatTimed(request, t -> { }, new Cancellation()); // warm-up
            System.out.println("run  prompt_tok  gen_tok  ttft_ms  decode_tok/s  ort_ms/tok  overhead_ms/tok");
            for (int run = 1; run <= 3; run++) {
                EmbeddedChatModel.Timed t = model.chatTimed(request, x -> { }, new Cancellation());
                var r = t.result();
                System.out.printf("%3d  %10d  %7d  %7.1f  %12.1f  %10.2f  %15.3f%n", run, r.promptTokens(), r.completionTokens(),
                        r.firstTokenMillis(), t.decodeSteps() / (t.decodeWallMillis() / 1000), t.decodeOrtMillis() / Math.max(1, t.decodeSteps()),
                        t.overheadMillisPerToken());
            }
        }
    }
}
