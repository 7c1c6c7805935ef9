package perception.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import perception.vision.Analyzer;

/**
 * The models the gateway knows, read from models/models.json (the fetcher's manifest, built into the
 * jar as a resource): each model's id, task (as /v1/models and /ready show it), folder, files by role
 * and which loader takes it
 * (a name the loading sense owns: {@code vosk}, {@code freetts}, {@code silero-vad}, {@code vision}, {@code embedded-llm}). The senses ask it for paths instead of writing them out.
 */
public final class ModelCatalog {
    /** Where the build puts models/models.json on the classpath (gateway/pom.xml, resources). */
    static final String RESOURCE = "/perception/models/models.json";
    private static volatile ModelCatalog bundled;

    /** One model: its folder under models_dir and its files by role (role → path inside the folder). */
    public record Model(String id, String task, String loader, Analyzer analyzer, String dir, boolean isDefault, Map<String, String> roles) {
        public Path dir(Path modelsDir) {
            return modelsDir.resolve(dir);
        }

        /** A file by its role; models.json must name it (a test checks every role the code asks for). */
        public Path file(Path modelsDir, String role) {
            String path = roles.get(role);
            if (path == null) throw new IllegalStateException("models.json gives model " + id + " no file with role '" + role + "'");
            return dir(modelsDir).resolve(path);
        }
    }

    private final List<Model> models;

    private ModelCatalog(List<Model> models) {
        this.models = List.copyOf(models);
    }

    /** The catalog built into the gateway. */
    public static ModelCatalog bundled() {
        if (bundled == null) {
            try (InputStream in = ModelCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) throw new IllegalStateException("the gateway was built without " + RESOURCE + " (models/models.json): rebuild it with Maven");
                bundled = read(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundled;
    }

    public static ModelCatalog read(InputStream json) throws IOException {
        List<Model> models = new ArrayList<>();
        for (JsonNode m : new ObjectMapper().readTree(json).get("models")) {
            String id = m.get("id").asText();
            Map<String, String> roles = new LinkedHashMap<>();
            for (JsonNode f : m.path("files")) {
                if (f.hasNonNull("role")) roles.put(f.get("role").asText(), f.get("path").asText());
            }
            Analyzer analyzer = null;
            if (m.hasNonNull("analyzer")) {
                analyzer = Analyzer.of(m.get("analyzer").asText());
                if (analyzer == null) throw new IllegalStateException("models.json: model " + id + " has unknown analyzer " + m.get("analyzer"));
            }
            if (!m.hasNonNull("loader")) throw new IllegalStateException("models.json: model " + id + " has no \"loader\" (the code that loads it)");
            models.add(new Model(id, m.get("task").asText(), m.get("loader").asText(), analyzer,
                    m.get("dir").asText(), m.path("default").asBoolean(false), roles));
        }
        return new ModelCatalog(models);
    }

    public List<Model> models() {
        return models;
    }

    public Model model(String id) {
        return models.stream().filter(m -> m.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalStateException("models.json has no model '" + id + "'"));
    }

    /**
     * The model a loader takes (the first one listed, when several share a loader). A loader is a name
     * its sense owns (SpeechVerticle.VOSK, ...), so a new sense adds its model to models.json only.
     */
    public Model forLoader(String loader) {
        return models.stream().filter(m -> m.loader().equals(loader)).findFirst()
                .orElseThrow(() -> new IllegalStateException("models.json has no model with loader '" + loader + "': add it there"));
    }

    /** The model serving a vision analyzer; empty for scene statistics. */
    public Optional<Model> forAnalyzer(Analyzer analyzer) {
        return models.stream().filter(m -> m.analyzer() == analyzer).findFirst();
    }

    /** The vision module's view: each analyzer's model files under modelsDir. */
    public perception.vision.ModelFiles visionFiles(Path modelsDir) {
        return new perception.vision.ModelFiles() {
            @Override
            public String id(Analyzer analyzer) {
                return model(analyzer).id();
            }

            @Override
            public Path file(Analyzer analyzer, String role) {
                return model(analyzer).file(modelsDir, role);
            }

            private Model model(Analyzer analyzer) {
                return forAnalyzer(analyzer).orElseThrow(() -> new IllegalStateException("models.json names no model for analyzer " + analyzer.wireName()));
            }
        };
    }
}
