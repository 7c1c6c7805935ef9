package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.ModelCatalog;
import perception.gateway.speech.SpeechVerticle;
import perception.vision.Analyzer;
import perception.vision.Vision;

/** The model catalog built into the gateway is models/models.json, and it names every file the senses load. */
class ModelCatalogTest {
    static final Path MODELS = Path.of(System.getProperty("gateway.models.dir", "../models"));

    @Test
    void theBundledCatalogIsModelsJson() throws Exception {
        ModelCatalog onDisk;
        try (var in = Files.newInputStream(MODELS.resolve("models.json"))) {
            onDisk = ModelCatalog.read(in);
        }
        assertEquals(onDisk.models(), ModelCatalog.bundled().models(), "the jar's copy differs from models/models.json: rebuild");
        assertEquals(List.of("vosk-en", "freetts-kevin16", "en_US-joe-medium", "espeak-ng-data-en", "silero-vad", "smart-turn-v3", "blazeface", "ppocr-v4", "yolox-nano", "smollm2-135m", "qwen2.5-0.5b", "qwen2.5-1.5b", "llama3.2-1b", "smolvlm"),
                onDisk.models().stream().map(ModelCatalog.Model::id).toList());
    }

    @Test
    void everyLoaderAndModelAnalyzerHasItsModel() {
        ModelCatalog catalog = ModelCatalog.bundled();
        for (String loader : List.of(SpeechVerticle.VOSK, SpeechVerticle.FREETTS, SpeechVerticle.PIPER, SpeechVerticle.ESPEAK_DATA, SpeechVerticle.SILERO_VAD, SpeechVerticle.SMART_TURN, GatewayConfig.EMBEDDED_LLM, GatewayConfig.GGUF_LLM)) {
            catalog.forLoader(loader);
        }
        for (Analyzer a : Analyzer.values()) {
            assertEquals(a.needsModel(), catalog.forAnalyzer(a).isPresent(), a + " and the catalog disagree");
        }
        assertEquals("object-detection", catalog.forAnalyzer(Analyzer.OBJECTS).orElseThrow().task());
        assertEquals(MODELS.resolve("silero-vad/silero_vad_v5.onnx"), catalog.forLoader(SpeechVerticle.SILERO_VAD).file(MODELS, "model"));
        assertEquals(MODELS.resolve("smart-turn-v3/smart-turn-v3.2-cpu.onnx"), catalog.forLoader(SpeechVerticle.SMART_TURN).file(MODELS, "model"));
    }

    /** Every role the vision code asks for is in models.json: the real models load through the catalog. */
    @Test
    void visionLoadsEveryAnalyzerFromTheCatalog() {
        try (Vision vision = Vision.load(EnumSet.allOf(Analyzer.class), ModelCatalog.bundled().visionFiles(MODELS), 1)) {
            assertEquals(Analyzer.names(), List.copyOf(vision.available()));
        }
    }

    @Test
    void aManifestWithoutALoaderOrWithAnUnknownAnalyzerIsRefused() {
        String bad = """
                {"models": [{"id": "x", "task": "t", "dir": "x", "files": []}]}""";
        var e = assertThrows(IllegalStateException.class, () -> ModelCatalog.read(new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("model x has no \"loader\""), e.getMessage());
        String badAnalyzer = """
                {"models": [{"id": "y", "task": "t", "loader": "vision", "analyzer": "cats", "dir": "y", "files": []}]}""";
        e = assertThrows(IllegalStateException.class, () -> ModelCatalog.read(new ByteArrayInputStream(badAnalyzer.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains("unknown analyzer"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> ModelCatalog.bundled().forLoader("vision").file(MODELS, "no-such-role"));
    }
}
