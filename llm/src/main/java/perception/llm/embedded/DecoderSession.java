package perception.llm.embedded;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One decoder ONNX session in the Optimum / transformers.js layout. Everything is discovered from
 * the session's metadata (which inputs exist, the KV-cache tensors, their dtype and fixed dims),
 * with config.json filling symbolic head counts. Shared by all generations (OrtSession is
 * thread-safe); each generation keeps its own {@link Cache}.
 */
public final class DecoderSession implements AutoCloseable {
    private static final Pattern PAST = Pattern.compile("past_key_values\\.(\\d+)\\.(key|value)");

    private final OrtEnvironment env;
    private final OrtSession session;
    private final boolean embedsInput;
    private final OnnxJavaType embedsType;
    private final boolean hasMask;
    private final boolean hasPositions;
    private final boolean hasCacheBranch;
    private final boolean hasNumLogitsToKeep;
    private final List<String> pastNames = new ArrayList<>();
    private final List<String> presentNames = new ArrayList<>();
    private final OnnxJavaType kvType;
    private final long kvHeads;
    private final long headDim;
    private final int layers;

    public DecoderSession(OrtEnvironment env, OrtSession session, HfConfig config) throws OrtException {
        this.env = env;
        this.session = session;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        embedsInput = inputs.containsKey("inputs_embeds");
        if (!embedsInput && !inputs.containsKey("input_ids")) {
            throw new IllegalStateException("decoder has neither input_ids nor inputs_embeds; inputs are " + inputs.keySet());
        }
        embedsType = embedsInput ? ((TensorInfo) inputs.get("inputs_embeds").getInfo()).type : null;
        hasMask = inputs.containsKey("attention_mask");
        hasPositions = inputs.containsKey("position_ids");
        hasCacheBranch = inputs.containsKey("use_cache_branch");
        hasNumLogitsToKeep = inputs.containsKey("num_logits_to_keep");
        int maxLayer = -1;
        for (String name : inputs.keySet()) {
            Matcher m = PAST.matcher(name);
            if (m.matches()) maxLayer = Math.max(maxLayer, Integer.parseInt(m.group(1)));
        }
        layers = maxLayer + 1;
        if (config.layers() > 0 && layers > 0 && config.layers() != layers) {
            throw new IllegalStateException("config.json says " + config.layers() + " layers but the decoder has KV inputs for " + layers);
        }
        TensorInfo kvInfo = null;
        for (int l = 0; l < layers; l++) {
            for (String kind : new String[] {"key", "value"}) {
                String past = "past_key_values." + l + "." + kind;
                String present = "present." + l + "." + kind;
                if (!inputs.containsKey(past) || !session.getOutputInfo().containsKey(present)) {
                    throw new IllegalStateException("decoder lacks " + past + " or " + present);
                }
                pastNames.add(past);
                presentNames.add(present);
                kvInfo = (TensorInfo) inputs.get(past).getInfo();
            }
        }
        if (!session.getOutputInfo().containsKey("logits")) throw new IllegalStateException("decoder has no logits output");
        kvType = kvInfo == null ? OnnxJavaType.FLOAT : kvInfo.type;
        if (kvType != OnnxJavaType.FLOAT && kvType != OnnxJavaType.FLOAT16) {
            throw new IllegalStateException("KV cache dtype " + kvType + " is not supported (float32 or float16)");
        }
        long[] shape = kvInfo == null ? new long[] {-1, config.kvHeads(), -1, config.headDim()} : kvInfo.getShape();
        kvHeads = shape[1] > 0 ? shape[1] : config.kvHeads();
        headDim = shape[3] > 0 ? shape[3] : config.headDim();
        if (layers > 0 && (kvHeads <= 0 || headDim <= 0)) {
            throw new IllegalStateException("KV cache heads/head_dim unknown: neither the ONNX metadata nor config.json gives them");
        }
    }

    public boolean embedsInput() {
        return embedsInput;
    }

    public OnnxJavaType kvType() {
        return kvType;
    }

    public int layers() {
        return layers;
    }

    /** KV cache of one generation: the present tensors of the last run, fed back as past. */
    public final class Cache implements AutoCloseable {
        private int length;
        private long runNanos;
        private OrtSession.Result last;
        private final OnnxTensor[] past = new OnnxTensor[pastNames.size()];
        private final List<OnnxTensor> empties = new ArrayList<>();

        public int length() {
            return length;
        }

        /** Time spent inside OrtSession.run for this generation so far. */
        public long runNanos() {
            return runNanos;
        }

        @Override
        public void close() {
            if (last != null) last.close();
            last = null;
            empties.forEach(OnnxTensor::close);
            empties.clear();
        }
    }

    public Cache newCache() {
        return new Cache();
    }

    /**
     * Runs the decoder on {@code count} new positions given as ids (long[]) or embeddings
     * (float[count*hidden]); appends them to the cache and returns the last position's logits.
     */
    public float[] forward(Cache cache, long[] ids, float[] embeds, int hidden) throws OrtException {
        int count = ids != null ? ids.length : embeds.length / hidden;
        Map<String, OnnxTensor> in = new HashMap<>();
        List<OnnxTensor> created = new ArrayList<>();
        try {
            if (embedsInput) {
                if (embeds == null) throw new IllegalStateException("decoder takes inputs_embeds; run embed_tokens first");
                created.add(put(in, "inputs_embeds", floatTensor(embeds, new long[] {1, count, hidden}, embedsType)));
            } else {
                created.add(put(in, "input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, count})));
            }
            int total = cache.length + count;
            if (hasMask) {
                long[] mask = new long[total];
                java.util.Arrays.fill(mask, 1L);
                created.add(put(in, "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), new long[] {1, total})));
            }
            if (hasPositions) {
                long[] pos = new long[count];
                for (int i = 0; i < count; i++) pos[i] = cache.length + i;
                created.add(put(in, "position_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[] {1, count})));
            }
            if (hasCacheBranch) {
                created.add(put(in, "use_cache_branch", OnnxTensor.createTensor(env, new boolean[] {cache.length > 0})));
            }
            if (hasNumLogitsToKeep) {
                created.add(put(in, "num_logits_to_keep", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {1}), new long[0])));
            }
            for (int i = 0; i < pastNames.size(); i++) {
                OnnxTensor p = cache.past[i];
                if (p == null) {
                    p = emptyKv();
                    cache.empties.add(p);
                }
                in.put(pastNames.get(i), p);
            }
            long t0 = System.nanoTime();
            OrtSession.Result result = session.run(in);
            cache.runNanos += System.nanoTime() - t0;
            float[] logits = lastRow(result.get("logits").orElseThrow());
            OrtSession.Result previous = cache.last;
            for (int i = 0; i < presentNames.size(); i++) {
                cache.past[i] = (OnnxTensor) result.get(presentNames.get(i)).orElseThrow();
            }
            cache.last = result;
            if (previous != null) previous.close();
            cache.empties.forEach(OnnxTensor::close);
            cache.empties.clear();
            cache.length = total;
            return logits;
        } finally {
            created.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor put(Map<String, OnnxTensor> in, String name, OnnxTensor t) {
        in.put(name, t);
        return t;
    }

    private OnnxTensor emptyKv() throws OrtException {
        long[] shape = {1, kvHeads, 0, headDim};
        return kvType == OnnxJavaType.FLOAT16
                ? OnnxTensor.createTensor(env, ByteBuffer.allocateDirect(0), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(env, FloatBuffer.allocate(0), shape);
    }

    OnnxTensor floatTensor(float[] data, long[] shape, OnnxJavaType type) throws OrtException {
        if (type == OnnxJavaType.FLOAT16) {
            ByteBuffer b = ByteBuffer.allocateDirect(data.length * 2).order(ByteOrder.nativeOrder());
            for (float f : data) b.putShort(Float16.fromFloat(f));
            b.flip();
            return OnnxTensor.createTensor(env, b, shape, OnnxJavaType.FLOAT16);
        }
        return OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
    }

    /** The logits of the last position ([batch, seq, vocab] or [batch, vocab]) as floats. */
    static float[] lastRow(OnnxValue value) throws OrtException {
        OnnxTensor t = (OnnxTensor) value;
        long[] shape = t.getInfo().getShape();
        int vocab = (int) shape[shape.length - 1];
        // float32: one copy of the native buffer viewed as floats (getFloatBuffer copies twice)
        FloatBuffer all = t.getInfo().type == OnnxJavaType.FLOAT
                ? t.getByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer() : t.getFloatBuffer();
        float[] row = new float[vocab];
        all.position(all.limit() - vocab);
        all.get(row);
        return row;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
