package perception.llm.fusion;

/**
 * Turns an image into text for a model that cannot see: what the vision analysis found (objects,
 * faces, text read, scene). The gateway adapts its vision sense to this; llm does not depend on it.
 */
@FunctionalInterface
public interface ImageDescriber {
    /** A short description, e.g. "objects: person, dog; 1 face; text read: \"EXIT\"". */
    String describe(byte[] image, String mimeType);
}
