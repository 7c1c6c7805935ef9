package perception.vision;

/**
 * An image embedding model (CLIP/SigLIP ONNX, a VLM's vision tower): turns a frame into a vector
 * a language model or a similarity search can use. Implementations own their ONNX session, are
 * thread-safe and are closed by whoever created them.
 */
public interface ImageEncoder extends AutoCloseable {
    /** A short id for logs and /v1/models, e.g. "siglip-base". */
    String id();

    /** Length of the vectors returned by {@link #encode}. */
    int dimension();

    /** The embedding of the whole frame. */
    float[] encode(Frame frame);

    @Override
    void close();
}
