package perception.llm.onnx.testmodel;

import static perception.llm.onnx.OnnxGraph.attr;
import static perception.llm.onnx.OnnxGraph.attrInts;

import perception.llm.onnx.OnnxGraph;
import perception.llm.onnx.OnnxGraph.Attr;
import perception.llm.onnx.OnnxGraph.Type;

/**
 * The two other sessions of a tiny SmolVLM / Idefics3 trio ({@code vision_encoder},
 * {@code embed_tokens}); the third is {@link TinyDecoders#checksum} with {@code inputs_embeds}.
 * Each feature row carries a number that says which frame and row it is and what the frame looked
 * like, so the decoder's answer shows where the features were spliced.
 */
public final class TinyVision {
    private TinyVision() {
    }

    /**
     * {@code pixel_values [batch, num_images, 3, size, size]} float and
     * {@code pixel_attention_mask [batch, num_images, size, size]} bool →
     * {@code image_features [batch*num_images, rows, hidden]}; row k of frame n has first component
     * {@link Reference#featureScalar}(n, k, frame mean, mask mean) and zeros elsewhere.
     */
    public static byte[] visionEncoder(int size, int rows, int hidden) {
        OnnxGraph g = new OnnxGraph("tiny_vision_encoder");
        g.input("pixel_values", Type.FLOAT, "batch_size", "num_images", 3, size, size);
        g.input("pixel_attention_mask", Type.BOOL, "batch_size", "num_images", size, size);
        String flat = g.op("Reshape", "pixel_values", g.constLong(new long[] {-1, 3L * size * size}, 2));
        String mean = g.op("ReduceMean", new Attr[] {attrInts("axes", 1), attr("keepdims", 1L)}, flat);
        String maskFlat = g.op("Reshape", g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, "pixel_attention_mask"),
                g.constLong(new long[] {-1, (long) size * size}, 2));
        String maskMean = g.op("ReduceMean", new Attr[] {attrInts("axes", 1), attr("keepdims", 1L)}, maskFlat);
        String one = g.constFloat(new float[] {1});
        String frame = g.op("Sub", g.op("CumSum", g.op("Add", g.op("Mul", mean, g.constFloat(new float[] {0})), one), g.constLong(new long[] {0})), one);
        float[] rowIds = new float[rows];
        for (int k = 0; k < rows; k++) rowIds[k] = k + 1;
        // (mean+1)*100 + frame*rows + (k+1) + (maskMean-1)*1000   → [frames, rows]
        String value = g.op("Add", g.op("Mul", g.op("Add", mean, one), g.constFloat(new float[] {100})),
                g.op("Mul", frame, g.constFloat(new float[] {rows})));
        value = g.op("Add", value, g.op("Mul", g.op("Sub", maskMean, one), g.constFloat(new float[] {1000})));
        value = g.op("Add", value, g.constFloat(rowIds, 1, rows));
        float[] e0 = new float[hidden];
        e0[0] = 1f;
        String features = g.op("Mul", TinyDecoders.unsqueeze(g, value, 2), g.constFloat(e0, 1, 1, hidden));
        g.node("Identity", new String[] {features}, new String[] {"image_features"});
        g.output("image_features", Type.FLOAT, "num_frames", rows, hidden);
        return g.toModel();
    }

    /** {@code input_ids [batch, seq]} → {@code inputs_embeds [batch, seq, hidden]}, first component = id. */
    public static byte[] embedTokens(int vocab, int hidden) {
        OnnxGraph g = new OnnxGraph("tiny_embed_tokens");
        g.input("input_ids", Type.INT64, "batch_size", "sequence_length");
        float[] table = new float[vocab * hidden];
        for (int t = 0; t < vocab; t++) table[t * hidden] = t;
        g.node("Gather", new String[] {g.constFloat(table, vocab, hidden), "input_ids"}, new String[] {"inputs_embeds"});
        g.output("inputs_embeds", Type.FLOAT, "batch_size", "sequence_length", hidden);
        return g.toModel();
    }
}
