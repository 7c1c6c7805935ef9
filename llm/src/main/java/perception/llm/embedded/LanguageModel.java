package perception.llm.embedded;

import ai.onnxruntime.OrtException;
import java.util.List;

/** The forward passes of one generation: a prompt (with images, for a VLM), then one token at a time. */
interface LanguageModel extends AutoCloseable {

    /** Runs the whole prompt; returns the last position's logits. */
    float[] prefill(long[] ids, List<ImageProcessor.Frames> images) throws OrtException;

    /** Runs one new token; returns its logits. */
    float[] step(long token) throws OrtException;

    /** Nanoseconds spent inside ONNX Runtime's run calls so far (all sessions of this generation). */
    long ortNanos();

    @Override
    void close();
}
