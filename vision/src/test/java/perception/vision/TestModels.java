package perception.vision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The models fetched by the build, loaded once per test JVM; fails with how to get them. */
final class TestModels {
    private static Vision vision;

    private TestModels() {
    }

    static Path dir() {
        Path dir = Path.of(System.getProperty("gateway.models.dir", "../models"));
        for (String f : new String[] {"yolox/yolox_nano.onnx", "blazeface/face_detection_back_256x256.onnx", "ppocr/det.onnx", "ppocr/rec.onnx", "ppocr/keys.txt"}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new IllegalStateException("model file " + dir.resolve(f).toAbsolutePath()
                        + " missing: run ./run-gateway models fetch (or mvn -B verify, which fetches them)");
            }
        }
        return dir;
    }

    static synchronized Vision vision() {
        if (vision == null) vision = Vision.load(dir(), Set.of("objects", "faces", "text"), 0);
        return vision;
    }

    static byte[] photo(String name) throws IOException {
        try (InputStream in = TestModels.class.getResourceAsStream("photos/" + name)) {
            if (in == null) throw new IllegalStateException("test photo " + name + " missing");
            return in.readAllBytes();
        }
    }

    static Frame decode(String name) throws IOException {
        return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS).decode(photo(name));
    }
}
