package perception.llm.embedded;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A generation on the SmolVLM / Idefics3 trio, chained as transformers.js does: embed_tokens on the
 * ids; on the prefill only, vision_encoder on each image's frames, its feature rows copied in order
 * over the embedding rows whose id is the image token; then decoder_model_merged on the
 * embeddings with the KV cache. Later steps embed just the new token.
 */
final class VisionLanguageModel implements LanguageModel {
    private final OrtEnvironment env;
    private final OrtSession vision;
    private final OrtSession embed;
    private final DecoderSession decoder;
    private final long imageTokenId;
    private final DecoderSession.Cache cache;

    VisionLanguageModel(OrtEnvironment env, OrtSession vision, OrtSession embed, DecoderSession decoder, long imageTokenId) {
        this.env = env;
        this.vision = vision;
        this.embed = embed;
        this.decoder = decoder;
        this.imageTokenId = imageTokenId;
        this.cache = decoder.newCache();
    }

    @Override
    public float[] prefill(long[] ids, List<ImageProcessor.Frames> images) throws OrtException {
        Embedded e = embed(ids);
        long slots = Arrays.stream(ids).filter(id -> id == imageTokenId).count();
        if (!images.isEmpty() || slots > 0) {
            float[] features = new float[0];
            for (ImageProcessor.Frames f : images) features = concat(features, encode(f, e.hidden));
            long rows = features.length / e.hidden;
            if (rows != slots) {
                throw new IllegalStateException("the prompt has " + slots + " image tokens but the vision encoder gave " + rows + " feature rows");
            }
            int row = 0;
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] == imageTokenId) {
                    System.arraycopy(features, row++ * e.hidden, e.values, i * e.hidden, e.hidden);
                }
            }
        }
        return decoder.forward(cache, null, e.values, e.hidden);
    }

    @Override
    public float[] step(long token) throws OrtException {
        Embedded e = embed(new long[] {token});
        return decoder.forward(cache, null, e.values, e.hidden);
    }

    private record Embedded(float[] values, int hidden) {
    }

    private Embedded embed(long[] ids) throws OrtException {
        try (OnnxTensor in = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length});
             OrtSession.Result r = timed(() -> embed.run(Map.of("input_ids", in)))) {
            OnnxTensor out = (OnnxTensor) r.get(0);
            long[] shape = out.getInfo().getShape();
            FloatBuffer b = out.getFloatBuffer();
            float[] values = new float[b.remaining()];
            b.get(values);
            return new Embedded(values, (int) shape[shape.length - 1]);
        }
    }

    private float[] encode(ImageProcessor.Frames frames, int hidden) throws OrtException {
        int t = frames.tile();
        long[] shape = {1, frames.count(), 3, t, t};
        boolean[] maskFlat = new boolean[frames.count() * t * t];
        Arrays.fill(maskFlat, true);
        TensorInfo pixelInfo = (TensorInfo) vision.getInputInfo().get("pixel_values").getInfo();
        try (OnnxTensor pixels = pixelInfo.type == OnnxJavaType.FLOAT16
                ? decoder.floatTensor(frames.pixels(), shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(env, FloatBuffer.wrap(frames.pixels()), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, java.nio.ByteBuffer.wrap(toBytes(maskFlat)),
                     new long[] {1, frames.count(), t, t}, OnnxJavaType.BOOL)) {
            Map<String, OnnxTensor> in = vision.getInputInfo().containsKey("pixel_attention_mask")
                    ? Map.of("pixel_values", pixels, "pixel_attention_mask", mask) : Map.of("pixel_values", pixels);
            try (OrtSession.Result r = timed(() -> vision.run(in))) {
                FloatBuffer b = ((OnnxTensor) r.get("image_features").orElse(r.get(0))).getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                if (out.length % hidden != 0) throw new IllegalStateException("image_features width does not match the embeddings (" + hidden + ")");
                return out;
            }
        }
    }

    private long otherNanos;

    private interface Run {
        OrtSession.Result run() throws OrtException;
    }

    private OrtSession.Result timed(Run run) throws OrtException {
        long t0 = System.nanoTime();
        try {
            return run.run();
        } finally {
            otherNanos += System.nanoTime() - t0;
        }
    }

    @Override
    public long ortNanos() {
        return otherNanos + cache.runNanos();
    }

    private static byte[] toBytes(boolean[] b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (byte) (b[i] ? 1 : 0);
        return out;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public void close() {
        cache.close();
    }
}
