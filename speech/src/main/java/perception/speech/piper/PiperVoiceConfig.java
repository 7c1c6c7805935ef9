package perception.speech.piper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** A Piper voice's .onnx.json: its rate, espeak-ng voice, inference scales and phoneme id map. */
public record PiperVoiceConfig(int sampleRate, String espeakVoice, float noiseScale, float lengthScale, float noiseW,
                               int numSpeakers, Map<String, int[]> phonemeIdMap) {

    public static PiperVoiceConfig read(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        String type = root.path("phoneme_type").asText("espeak");
        if (!type.equals("espeak")) throw new IOException(json + ": phoneme_type " + type + " is not supported (only espeak voices)");
        JsonNode inference = root.path("inference");
        Map<String, int[]> map = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("phoneme_id_map").fields(); it.hasNext(); ) {
            var e = it.next();
            int[] ids = new int[e.getValue().size()];
            for (int i = 0; i < ids.length; i++) ids[i] = e.getValue().get(i).asInt();
            map.put(e.getKey(), ids);
        }
        if (map.isEmpty()) throw new IOException(json + " has no phoneme_id_map");
        // Piper's defaults where the voice says nothing (config.py)
        return new PiperVoiceConfig(root.path("audio").path("sample_rate").asInt(22050),
                root.path("espeak").path("voice").asText("en-us"),
                (float) inference.path("noise_scale").asDouble(0.667),
                (float) inference.path("length_scale").asDouble(1.0),
                (float) inference.path("noise_w").asDouble(0.8),
                root.path("num_speakers").asInt(1), Map.copyOf(map));
    }
}
