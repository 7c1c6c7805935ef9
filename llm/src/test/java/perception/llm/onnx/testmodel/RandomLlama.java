package perception.llm.onnx.testmodel;

import static perception.llm.onnx.OnnxGraph.attr;
import static perception.llm.onnx.OnnxGraph.attrInts;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.SplittableRandom;
import perception.llm.onnx.OnnxGraph;
import perception.llm.onnx.OnnxGraph.Attr;
import perception.llm.onnx.OnnxGraph.Type;

/**
 * A Llama decoder with random weights in the Optimum export layout, for benchmarks: RMSNorm,
 * rotary embeddings, grouped-query attention over the KV cache with a causal + padding mask,
 * SwiGLU MLP, tied output embedding. {@link Shape#SMOLLM2_135M} has SmolLM2-135M's sizes, so
 * run times are those of the real model (the answers are noise).
 */
public final class RandomLlama {

    public record Shape(int vocab, int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate, int maxPositions,
                        double ropeTheta) {
        public static final Shape SMOLLM2_135M = new Shape(49152, 576, 30, 9, 3, 64, 1536, 8192, 100000);
        public static final Shape TINY = new Shape(300, 32, 2, 4, 2, 8, 64, 512, 10000);
    }

    private RandomLlama() {
    }

    public static void write(Path file, Shape s, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        OnnxGraph g = new OnnxGraph("random_llama");
        g.input("input_ids", Type.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", Type.INT64, "batch_size", "past_sequence_length + sequence_length");
        g.input("position_ids", Type.INT64, "batch_size", "sequence_length");
        for (int l = 0; l < s.layers(); l++) {
            g.input("past_key_values." + l + ".key", Type.FLOAT, "batch_size", s.kvHeads(), "past_sequence_length", s.headDim());
            g.input("past_key_values." + l + ".value", Type.FLOAT, "batch_size", s.kvHeads(), "past_sequence_length", s.headDim());
        }
        String embedding = weights(g, random, 0.02f, s.vocab(), s.hidden());
        String x = g.op("Gather", embedding, "input_ids");

        // rotary tables [maxPos, headDim] (cos, sin duplicated over both halves)
        int half = s.headDim() / 2;
        float[] cos = new float[s.maxPositions() * s.headDim()], sin = new float[cos.length];
        for (int p = 0; p < s.maxPositions(); p++) {
            for (int i = 0; i < half; i++) {
                double angle = p / Math.pow(s.ropeTheta(), 2.0 * i / s.headDim());
                cos[p * s.headDim() + i] = cos[p * s.headDim() + i + half] = (float) Math.cos(angle);
                sin[p * s.headDim() + i] = sin[p * s.headDim() + i + half] = (float) Math.sin(angle);
            }
        }
        String cosT = TinyDecoders.unsqueeze(g, g.op("Gather", g.constFloat(cos, s.maxPositions(), s.headDim()), "position_ids"), 1);
        String sinT = TinyDecoders.unsqueeze(g, g.op("Gather", g.constFloat(sin, s.maxPositions(), s.headDim()), "position_ids"), 1);

        // mask [b,1,s,T]: key j visible from query at position p when j <= p and attention_mask[j] == 1
        String total = g.op("Gather", g.op("Shape", "attention_mask"), g.constLong(new long[] {1}));
        String keys = g.op("Range", g.constLong(new long[] {0}), total, g.constLong(new long[] {1}));
        String causal = g.op("LessOrEqual", keys, TinyDecoders.unsqueeze(g, "position_ids", 1, 3));
        String padding = g.op("Cast", new Attr[] {attr("to", (long) Type.BOOL.code)}, TinyDecoders.unsqueeze(g, "attention_mask", 1, 2));
        String bias = g.op("Where", g.op("And", causal, padding), g.constFloat(new float[] {0}), g.constFloat(new float[] {-1e9f}));
        String scale = g.constFloat(new float[] {(float) (1 / Math.sqrt(s.headDim()))});
        int groups = s.heads() / s.kvHeads();

        for (int l = 0; l < s.layers(); l++) {
            String h = rmsNorm(g, x, s.hidden());
            String q = heads(g, g.op("MatMul", h, weights(g, random, 0.05f, s.hidden(), s.heads() * s.headDim())), s.heads(), s.headDim());
            String k = heads(g, g.op("MatMul", h, weights(g, random, 0.05f, s.hidden(), s.kvHeads() * s.headDim())), s.kvHeads(), s.headDim());
            String v = heads(g, g.op("MatMul", h, weights(g, random, 0.05f, s.hidden(), s.kvHeads() * s.headDim())), s.kvHeads(), s.headDim());
            q = rope(g, q, cosT, sinT, half);
            k = rope(g, k, cosT, sinT, half);
            String presentK = "present." + l + ".key", presentV = "present." + l + ".value";
            g.node("Concat", new String[] {"past_key_values." + l + ".key", k}, new String[] {presentK}, attr("axis", 2L));
            g.node("Concat", new String[] {"past_key_values." + l + ".value", v}, new String[] {presentV}, attr("axis", 2L));
            String kAll = repeatKv(g, presentK, groups, s);
            String vAll = repeatKv(g, presentV, groups, s);
            String scores = g.op("Mul", g.op("MatMul", q, g.op("Transpose", new Attr[] {attrInts("perm", 0, 1, 3, 2)}, kAll)), scale);
            String probs = g.op("Softmax", new Attr[] {attr("axis", -1L)}, g.op("Add", scores, bias));
            String context = g.op("Reshape", g.op("Transpose", new Attr[] {attrInts("perm", 0, 2, 1, 3)}, g.op("MatMul", probs, vAll)),
                    g.constLong(new long[] {0, 0, (long) s.heads() * s.headDim()}, 3));
            x = g.op("Add", x, g.op("MatMul", context, weights(g, random, 0.05f, s.heads() * s.headDim(), s.hidden())));
            String h2 = rmsNorm(g, x, s.hidden());
            String gate = g.op("MatMul", h2, weights(g, random, 0.05f, s.hidden(), s.intermediate()));
            String up = g.op("MatMul", h2, weights(g, random, 0.05f, s.hidden(), s.intermediate()));
            String act = g.op("Mul", g.op("Mul", gate, g.op("Sigmoid", gate)), up);
            x = g.op("Add", x, g.op("MatMul", act, weights(g, random, 0.05f, s.intermediate(), s.hidden())));
        }
        String last = rmsNorm(g, x, s.hidden());
        String flat = g.op("Reshape", last, g.constLong(new long[] {-1, s.hidden()}, 2));
        String logits2d = g.op("Gemm", new Attr[] {attr("transB", 1L)}, flat, embedding);
        String shape = g.op("Concat", new Attr[] {attr("axis", 0L)}, g.op("Shape", "input_ids"), g.constLong(new long[] {s.vocab()}, 1));
        g.node("Reshape", new String[] {logits2d, shape}, new String[] {"logits"});
        g.output("logits", Type.FLOAT, "batch_size", "sequence_length", s.vocab());
        for (int l = 0; l < s.layers(); l++) {
            g.output("present." + l + ".key", Type.FLOAT, "batch_size", s.kvHeads(), "past_sequence_length + sequence_length", s.headDim());
            g.output("present." + l + ".value", Type.FLOAT, "batch_size", s.kvHeads(), "past_sequence_length + sequence_length", s.headDim());
        }
        g.writeModel(file);
    }

    private static String weights(OnnxGraph g, SplittableRandom random, float scale, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) b.putFloat((float) ((random.nextDouble() * 2 - 1) * scale));
        return g.constRaw(Type.FLOAT, b.array(), rows, cols);
    }

    private static String rmsNorm(OnnxGraph g, String x, int hidden) {
        String ms = g.op("ReduceMean", new Attr[] {attrInts("axes", -1), attr("keepdims", 1L)}, g.op("Mul", x, x));
        String norm = g.op("Div", x, g.op("Sqrt", g.op("Add", ms, g.constFloat(new float[] {1e-5f}))));
        float[] ones = new float[hidden];
        java.util.Arrays.fill(ones, 1f);
        return g.op("Mul", norm, g.constFloat(ones, hidden));
    }

    /** [b, s, n*d] → [b, n, s, d] */
    private static String heads(OnnxGraph g, String x, int n, int d) {
        return g.op("Transpose", new Attr[] {attrInts("perm", 0, 2, 1, 3)}, g.op("Reshape", x, g.constLong(new long[] {0, 0, n, d}, 4)));
    }

    private static String rope(OnnxGraph g, String x, String cos, String sin, int half) {
        String x1 = g.op("Slice", x, g.constLong(new long[] {0}, 1), g.constLong(new long[] {half}, 1), g.constLong(new long[] {3}, 1));
        String x2 = g.op("Slice", x, g.constLong(new long[] {half}, 1), g.constLong(new long[] {Long.MAX_VALUE}, 1), g.constLong(new long[] {3}, 1));
        String rotated = g.op("Concat", new Attr[] {attr("axis", 3L)}, g.op("Neg", x2), x1);
        return g.op("Add", g.op("Mul", x, cos), g.op("Mul", rotated, sin));
    }

    /** [b, kv, T, d] → [b, kv*groups, T, d], each kv head shared by `groups` query heads. */
    private static String repeatKv(OnnxGraph g, String kv, int groups, Shape s) {
        if (groups == 1) return kv;
        String u = TinyDecoders.unsqueeze(g, kv, 2);
        String[] copies = new String[groups];
        java.util.Arrays.fill(copies, u);
        String cat = g.op("Concat", new Attr[] {attr("axis", 2L)}, copies);
        return g.op("Reshape", cat, g.constLong(new long[] {0, (long) s.heads(), -1, s.headDim()}, 4));
    }
}
