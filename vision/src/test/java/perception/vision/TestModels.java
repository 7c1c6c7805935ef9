package perception.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

/**
 * The models fetched by the build, loaded once per test JVM; fails with how to get them. Which model
 * and file serve an analyzer comes from models/models.json (fields "analyzer" and "role"), as in the gateway.
 */
final class TestModels implements ModelFiles {
    private static Vision vision;
    private final JsonNode manifest;
    private final Path dir;

    private TestModels(Path dir) {
        this.dir = dir;
        Path json = Path.of("../models/models.json");
        try {
            manifest = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + json.toAbsolutePath(), e);
        }
    }

    static TestModels files() {
        return new TestModels(Path.of(System.getProperty("gateway.models.dir", "../models")));
    }

    private JsonNode model(Analyzer analyzer) {
        for (JsonNode m : manifest.get("models")) {
            if (analyzer.wireName().equals(m.path("analyzer").asText())) return m;
        }
        throw new IllegalStateException("models.json names no model for analyzer " + analyzer.wireName());
    }

    @Override
    public String id(Analyzer analyzer) {
        return model(analyzer).get("id").asText();
    }

    @Override
    public Path file(Analyzer analyzer, String role) {
        JsonNode m = model(analyzer);
        for (JsonNode f : m.get("files")) {
            if (role.equals(f.path("role").asText())) {
                Path p = dir.resolve(m.get("dir").asText()).resolve(f.get("path").asText());
                if (!Files.isRegularFile(p)) {
                    throw new IllegalStateException("model file " + p.toAbsolutePath()
                            + " missing: run ./run-gateway models fetch (or mvn -B verify, which fetches them)");
                }
                return p;
            }
        }
        throw new IllegalStateException("models.json gives model " + m.get("id").asText() + " no file with role " + role);
    }

    static synchronized Vision vision() {
        if (vision == null) vision = Vision.load(EnumSet.of(Analyzer.OBJECTS, Analyzer.FACES, Analyzer.TEXT), files(), 0);
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
