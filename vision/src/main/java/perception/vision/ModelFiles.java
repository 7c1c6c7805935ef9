package perception.vision;

import java.nio.file.Path;

/**
 * Where an analyzer's model files are. The gateway answers from its model catalog
 * (models/models.json), so no file name or model id is written in this module's code.
 */
public interface ModelFiles {
    /** The id of the model serving the analyzer (for messages: "run ./run-gateway models fetch ID"). */
    String id(Analyzer analyzer);

    /**
     * One file of that model by its role: {@code model} (the ONNX graph of objects and faces), or for
     * text {@code detector}, {@code recognizer} and {@code keys}.
     */
    Path file(Analyzer analyzer, String role);
}
