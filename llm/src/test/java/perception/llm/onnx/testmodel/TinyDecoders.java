package perception.llm.onnx.testmodel;

import static perception.llm.onnx.OnnxGraph.attr;
import static perception.llm.onnx.OnnxGraph.attrInts;

import perception.llm.onnx.OnnxGraph;
import perception.llm.onnx.OnnxGraph.Attr;
import perception.llm.onnx.OnnxGraph.Type;

/**
 * Tiny decoders with known answers, in the Optimum / transformers.js layout ({@code input_ids} or
 * {@code inputs_embeds}, {@code attention_mask}, {@code position_ids},
 * {@code past_key_values.{i}.key|value} → {@code logits}, {@code present.{i}.key|value}).
 *
 * <ul>
 * <li>{@link #plusOne}: the next token is the previous token + 1 (mod vocab). Carries a KV cache but
 *     does not read it.</li>
 * <li>{@link #checksum}: the next token is {@code base + (Σ_j s_j·(p_j+2)) mod modulus} over every
 *     position j the attention mask admits, where s_j is the token id (or the first embedding
 *     component) and p_j its position id. The sum is read back from the KV cache (value holds
 *     s·(layer+1), key holds p+1, each layer weighted differently), so a cache that is dropped,
 *     truncated, mixed up between layers or key/value, or wrong positions/masks change the answer.
 *     {@link Reference#checksumNext} computes the same thing in Java.</li>
 * </ul>
 */
public final class TinyDecoders {

    /** Shapes and dtypes of a tiny decoder. */
    public record Spec(int vocab, int layers, int kvHeads, int headDim, int hidden, boolean embedsInput,
                       Type kvType, Type logitsType, boolean merged, int base, int modulus) {
        public static Spec text(int vocab) {
            return new Spec(vocab, 2, 2, 4, 8, false, Type.FLOAT, Type.FLOAT, false, 0, vocab);
        }

        public Spec withChecksum(int base, int modulus) {
            return new Spec(vocab, layers, kvHeads, headDim, hidden, embedsInput, kvType, logitsType, merged, base, modulus);
        }

        public Spec float16() {
            return new Spec(vocab, layers, kvHeads, headDim, hidden, embedsInput, Type.FLOAT16, Type.FLOAT16, merged, base, modulus);
        }

        public Spec mergedWithCacheBranch() {
            return new Spec(vocab, layers, kvHeads, headDim, hidden, embedsInput, kvType, logitsType, true, base, modulus);
        }

        public Spec embeds() {
            return new Spec(vocab, layers, kvHeads, headDim, hidden, true, kvType, logitsType, merged, base, modulus);
        }
    }

    private TinyDecoders() {
    }

    public static byte[] plusOne(Spec spec) {
        OnnxGraph g = new OnnxGraph("plus_one_decoder");
        declareInputs(g, spec);
        int v = spec.vocab();
        float[] w = new float[v * v];
        for (int t = 0; t < v; t++) w[t * v + (t + 1) % v] = 10f;
        String logits = g.op("Gather", g.constFloat(w, v, v), "input_ids");
        finishLogits(g, spec, logits);
        // new keys/values: token id broadcast to [b, heads, s, dim]
        String ids = g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, "input_ids");
        String kn = g.op("Mul", unsqueeze(g, ids, 1, 3), g.constFloat(ones(spec.kvHeads() * spec.headDim()), 1, spec.kvHeads(), 1, spec.headDim()));
        String knKv = castTo(g, kn, spec.kvType());
        String[] past = pastInputs(g, spec);
        for (int l = 0; l < spec.layers(); l++) {
            g.node("Concat", new String[] {past[2 * l], knKv}, new String[] {"present." + l + ".key"}, attr("axis", 2L));
            g.node("Concat", new String[] {past[2 * l + 1], knKv}, new String[] {"present." + l + ".value"}, attr("axis", 2L));
        }
        declareOutputs(g, spec);
        return g.toModel();
    }

    public static byte[] checksum(Spec spec) {
        OnnxGraph g = new OnnxGraph("checksum_decoder");
        declareInputs(g, spec);
        String first = spec.embedsInput() ? "inputs_embeds" : "input_ids";
        String scalar = spec.embedsInput()
                ? g.op("Gather", new Attr[] {attr("axis", 2L)}, "inputs_embeds", g.constLong(new long[] {0}))
                : g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, "input_ids");
        String pos1 = g.op("Add", g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, "position_ids"), g.constFloat(new float[] {1}));
        int h = spec.kvHeads(), d = spec.headDim();
        float[] e0 = new float[h * d];
        for (int i = 0; i < h; i++) e0[i * d] = 1f;
        String e0c = g.constFloat(e0, 1, h, 1, d);
        String keyNew = castTo(g, g.op("Mul", unsqueeze(g, pos1, 1, 3), e0c), spec.kvType());
        String mask = unsqueeze(g, g.op("Cast", new Attr[] {attr("to", (long) Type.DOUBLE.code)}, "attention_mask"), 1);
        String negLen = g.op("Reshape", g.op("Neg", g.op("Gather", g.op("Shape", first), g.constLong(new long[] {1}))), g.constLong(new long[] {1}, 1));
        String[] past = pastInputs(g, spec);
        String total = null;
        double weights = 0;
        for (int l = 0; l < spec.layers(); l++) {
            String valueNew = castTo(g, g.op("Mul", unsqueeze(g, g.op("Mul", scalar, g.constFloat(new float[] {l + 1})), 1, 3), e0c), spec.kvType());
            String key = "present." + l + ".key", value = "present." + l + ".value";
            g.node("Concat", new String[] {past[2 * l], keyNew}, new String[] {key}, attr("axis", 2L));
            g.node("Concat", new String[] {past[2 * l + 1], valueNew}, new String[] {value}, attr("axis", 2L));
            String a = g.op("Gather", new Attr[] {attr("axis", 3L)}, toDouble(g, value), g.constLong(new long[] {0}));
            String b = g.op("Gather", new Attr[] {attr("axis", 3L)}, toDouble(g, key), g.constLong(new long[] {0}));
            String w = g.op("Mul", g.op("Mul", a, g.op("Add", b, g.constDouble(new double[] {1}))), mask);
            String cum = g.op("CumSum", w, g.constLong(new long[] {2}));
            String tail = g.op("Slice", cum, negLen, g.constLong(new long[] {Long.MAX_VALUE}, 1), g.constLong(new long[] {2}, 1));
            String perLayer = g.op("ReduceMean", new Attr[] {attrInts("axes", 1), attr("keepdims", 0L)}, tail);
            String weighted = g.op("Mul", perLayer, g.constDouble(new double[] {l + 1}));
            total = total == null ? weighted : g.op("Add", total, weighted);
            weights += (l + 1) * (l + 1);
        }
        String sum = g.op("Div", total, g.constDouble(new double[] {weights}));
        String target = g.op("Add", g.op("Mod", new Attr[] {attr("fmod", 1L)}, sum, g.constDouble(new double[] {spec.modulus()})),
                g.constDouble(new double[] {spec.base()}));
        double[] range = new double[spec.vocab()];
        for (int i = 0; i < range.length; i++) range[i] = i;
        String diff = g.op("Sub", g.constDouble(range, spec.vocab()), unsqueeze(g, target, 2));
        finishLogits(g, spec, g.op("Neg", g.op("Abs", diff)));
        declareOutputs(g, spec);
        return g.toModel();
    }

    private static void declareInputs(OnnxGraph g, Spec spec) {
        if (spec.embedsInput()) g.input("inputs_embeds", Type.FLOAT, "batch_size", "sequence_length", spec.hidden());
        else g.input("input_ids", Type.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", Type.INT64, "batch_size", "past_sequence_length + sequence_length");
        g.input("position_ids", Type.INT64, "batch_size", "sequence_length");
        for (int l = 0; l < spec.layers(); l++) {
            g.input("past_key_values." + l + ".key", spec.kvType(), "batch_size", spec.kvHeads(), "past_sequence_length", spec.headDim());
            g.input("past_key_values." + l + ".value", spec.kvType(), "batch_size", spec.kvHeads(), "past_sequence_length", spec.headDim());
        }
        if (spec.merged()) g.input("use_cache_branch", Type.BOOL, 1);
    }

    private static void declareOutputs(OnnxGraph g, Spec spec) {
        g.output("logits", spec.logitsType(), "batch_size", "sequence_length", spec.vocab());
        for (int l = 0; l < spec.layers(); l++) {
            g.output("present." + l + ".key", spec.kvType(), "batch_size", spec.kvHeads(), "past_sequence_length + sequence_length", spec.headDim());
            g.output("present." + l + ".value", spec.kvType(), "batch_size", spec.kvHeads(), "past_sequence_length + sequence_length", spec.headDim());
        }
    }

    /**
     * The past tensors the layers concatenate onto. In a merged decoder an If on
     * {@code use_cache_branch} keeps them (true) or drops them to length 0 (false), as Optimum's
     * merged exports choose between the with-past and without-past graphs.
     */
    private static String[] pastInputs(OnnxGraph g, Spec spec) {
        int n = spec.layers() * 2;
        String[] names = new String[n];
        for (int l = 0; l < spec.layers(); l++) {
            names[2 * l] = "past_key_values." + l + ".key";
            names[2 * l + 1] = "past_key_values." + l + ".value";
        }
        if (!spec.merged()) return names;
        OnnxGraph then = new OnnxGraph("with_past");
        OnnxGraph otherwise = new OnnxGraph("without_past");
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            then.node("Identity", new String[] {names[i]}, new String[] {"kept_" + i});
            then.outputAnyShape("kept_" + i, spec.kvType());
            otherwise.node("Slice", new String[] {names[i], otherwise.constLong(new long[] {0}, 1), otherwise.constLong(new long[] {0}, 1),
                    otherwise.constLong(new long[] {2}, 1)}, new String[] {"dropped_" + i});
            otherwise.outputAnyShape("dropped_" + i, spec.kvType());
            out[i] = "past_effective_" + i;
        }
        g.node("If", new String[] {g.op("Squeeze", "use_cache_branch")}, out, attr("then_branch", then), attr("else_branch", otherwise));
        return out;
    }

    private static void finishLogits(OnnxGraph g, Spec spec, String logits) {
        g.node("Cast", new String[] {logits}, new String[] {"logits"}, attr("to", (long) spec.logitsType().code));
    }

    private static String castTo(OnnxGraph g, String x, Type type) {
        return type == Type.FLOAT ? x : g.op("Cast", new Attr[] {attr("to", (long) type.code)}, x);
    }

    private static String toDouble(OnnxGraph g, String x) {
        return g.op("Cast", new Attr[] {attr("to", (long) Type.DOUBLE.code)}, x);
    }

    static String unsqueeze(OnnxGraph g, String x, long... axes) {
        return g.op("Unsqueeze", x, g.constLong(axes, axes.length));
    }

    private static float[] ones(int n) {
        float[] f = new float[n];
        java.util.Arrays.fill(f, 1f);
        return f;
    }
}
