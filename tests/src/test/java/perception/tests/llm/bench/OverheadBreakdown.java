package perception.tests.llm.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import perception.llm.embedded.HfTokenizer;
import perception.llm.embedded.Sampler;
import perception.llm.embedded.StopStrings;
import perception.llm.embedded.TextStreamer;

/**
 * The runtime's own per-token work outside ONNX Runtime, timed piece by piece without a model run
 * (so other processes' load on the ORT threads does not blur it): logits copy out of an ORT tensor
 * (vocab 49152), greedy argmax, streaming detokenisation, stop-string check, and the three small
 * input tensors of a decode step.
 *
 * <pre>java -cp tests/target/test-classes:$(cat /tmp/cp.txt) perception.tests.llm.bench.OverheadBreakdown /tmp/smollm2-135m-random</pre>
 */
public final class OverheadBreakdown {
    private OverheadBreakdown() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir") + "/smollm2-135m-random");
        int vocab = 49152, n = 3000;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SplittableRandom random = new SplittableRandom(1);
        float[] source = new float[vocab];
        for (int i = 0; i < vocab; i++) source[i] = (float) random.nextDouble();
        try (HfTokenizer tokenizer = HfTokenizer.load(dir);
             OnnxTensor logits = OnnxTensor.createTensor(env, FloatBuffer.wrap(source), new long[] {1, 1, vocab})) {
            long[] ids = tokenizer.encode("The gateway listens, looks and answers in plain words, one token at a time. ".repeat(60));
            for (int round = 0; round < 2; round++) { // first round warms up the JIT
                long copy = 0, sample = 0, detok = 0, stop = 0, tensors = 0;
                TextStreamer streamer = new TextStreamer(tokenizer);
                StopStrings stops = new StopStrings(List.of("<|im_end|>", "\n\nUser:"));
                float[] row = new float[vocab];
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    FloatBuffer all = logits.getByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
                    all.position(all.limit() - vocab);
                    all.get(row);
                    long t1 = System.nanoTime();
                    int token = Sampler.argmax(row);
                    long t2 = System.nanoTime();
                    String piece = streamer.push(ids[i % ids.length]);
                    long t3 = System.nanoTime();
                    stops.push(piece);
                    long t4 = System.nanoTime();
                    long[] mask = new long[200 + i % 100];
                    java.util.Arrays.fill(mask, 1);
                    try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {token}), new long[] {1, 1});
                         OnnxTensor b = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, mask.length});
                         OnnxTensor c = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {i}), new long[] {1, 1})) {
                        long t5 = System.nanoTime();
                        copy += t1 - t0;
                        sample += t2 - t1;
                        detok += t3 - t2;
                        stop += t4 - t3;
                        tensors += t5 - t4;
                    }
                }
                if (round == 1) {
                    System.out.printf("per token (us): logits copy %.1f, argmax %.1f, detokenise %.1f, stop strings %.1f, input tensors %.1f, total %.1f%n",
                            copy / 1e3 / n, sample / 1e3 / n, detok / 1e3 / n, stop / 1e3 / n, tensors / 1e3 / n,
                            (copy + sample + detok + stop + tensors) / 1e3 / n);
                }
            }
        }
    }
}
