package perception.gateway.wyoming;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.ModelCatalog;
import perception.gateway.speech.Voices;
import perception.gateway.core.GatewayContext;
import perception.gateway.llm.LlmVerticle;
import perception.gateway.speech.SpeechVerticle;

/**
 * The {@code info} answer to {@code describe}: what Home Assistant lists as this service's speech
 * to text (Vosk), text to speech (FreeTTS kevin16) and conversation agent (the assistant behind
 * {@code LlmFeature.GENERATE}), with the name, attribution, installed, version and languages fields its
 * Wyoming integration reads. {@code installed} follows the model registry, so a model still
 * loading (or failed) shows as not installed. No intent recogniser and no wake word are offered.
 */
final class WyomingInfo {
    static final String VERSION = gatewayVersion();

    private WyomingInfo() {
    }

    static JsonObject info(GatewayContext context) {
        GatewayConfig config = context.config();
        JsonArray asr = new JsonArray();
        JsonArray tts = new JsonArray();
        if (config.speechEnabled()) {
            String voskId = ModelCatalog.bundled().forLoader(SpeechVerticle.VOSK).id();
            boolean vosk = context.models().isLoaded(voskId);
            asr.add(artifact("vosk", "Vosk speech recognition, served by Perception Gateway", "Alpha Cephei", "https://alphacephei.com/vosk/", vosk)
                    .put("models", new JsonArray().add(artifact(voskId, "Vosk small US English 0.15", "Alpha Cephei",
                            "https://alphacephei.com/vosk/models", vosk).put("languages", new JsonArray().add("en"))))
                    .put("supports_transcript_streaming", true));
            // Piper first: the default voice when espeak-ng and the voice are installed
            JsonArray piperVoices = new JsonArray();
            boolean anyPiper = false;
            for (ModelCatalog.Model m : Voices.piperCatalog()) {
                boolean loaded = context.models().isLoaded(m.id());
                anyPiper |= loaded;
                piperVoices.add(artifact(m.id(), m.id() + " (Piper neural voice, US English, " + Voices.rate(m.id()) + " Hz)", "rhasspy/piper-voices",
                        "https://huggingface.co/rhasspy/piper-voices", loaded).put("languages", new JsonArray().add("en_US")));
            }
            if (!piperVoices.isEmpty()) {
                tts.add(artifact("piper", "Piper neural speech (ONNX Runtime, espeak-ng phonemes), served by Perception Gateway", "Piper",
                        "https://github.com/OHF-Voice/piper1-gpl", anyPiper).put("voices", piperVoices).put("supports_synthesize_streaming", true));
            }
            boolean freetts = context.models().isLoaded(ModelCatalog.bundled().forLoader(SpeechVerticle.FREETTS).id());
            tts.add(artifact("freetts", "FreeTTS speech synthesis, served by Perception Gateway", "FreeTTS", "https://freetts.sourceforge.io/", freetts)
                    .put("voices", new JsonArray().add(artifact(OutgoingSpeech.VOICE, "kevin16 (US English, 16 kHz diphone)",
                            "CMU Festvox", "http://festvox.org/", freetts).put("languages", new JsonArray().add("en_US"))))
                    .put("supports_synthesize_streaming", true));
        }
        String brain = switch (LlmVerticle.backend(config)) {
            case REMOTE -> config.llmModel() == null ? "remote LLM at " + config.llmUrl() : config.llmModel() + " at " + config.llmUrl();
            case EMBEDDED -> config.llmModelDir().getFileName() + " (embedded)";
            default -> "built-in assistant (no LLM configured)";
        };
        JsonArray handle = new JsonArray().add(artifact("perception-assistant", "Perception Gateway's assistant, the same one /v1/realtime talks to",
                "Perception Gateway", "", true)
                .put("models", new JsonArray().add(artifact("perception-assistant", brain, "Perception Gateway", "", true)
                        .put("languages", new JsonArray().add("en"))))
                .put("supports_handled_streaming", false));
        return new JsonObject().put("asr", asr).put("tts", tts).put("handle", handle)
                .put("intent", new JsonArray()).put("wake", new JsonArray());
    }

    private static JsonObject artifact(String name, String description, String by, String url, boolean installed) {
        return new JsonObject().put("name", name).put("description", description)
                .put("attribution", new JsonObject().put("name", by).put("url", url))
                .put("installed", installed).put("version", VERSION);
    }

    private static String gatewayVersion() {
        String v = WyomingInfo.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
