package perception.llm.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The parts of a Hugging Face model folder's config.json and generation_config.json the runtime
 * needs. VLM configs (idefics3/smolvlm) keep the language model's values in {@code text_config};
 * key names follow transformers.js' normalised config (num_key_value_heads, head_dim or
 * hidden_size / num_attention_heads, num_hidden_layers).
 */
public record HfConfig(String modelType, int layers, int kvHeads, int headDim, int contextLength,
                       Set<Long> eosTokenIds, Long imageTokenId, JsonNode raw) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static HfConfig load(Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        if (!Files.isRegularFile(file)) throw new IOException("config.json missing in " + dir);
        JsonNode root = JSON.readTree(file.toFile());
        JsonNode text = root.has("text_config") ? root.get("text_config") : root;
        int heads = text.path("num_attention_heads").asInt(0);
        int kvHeads = text.path("num_key_value_heads").asInt(heads);
        int hidden = text.path("hidden_size").asInt(0);
        int headDim = text.path("head_dim").asInt(heads > 0 ? hidden / heads : 0);
        int layers = text.path("num_hidden_layers").asInt(0);
        int context = text.path("max_position_embeddings").asInt(root.path("max_position_embeddings").asInt(0));
        Set<Long> eos = new LinkedHashSet<>();
        Path gen = dir.resolve("generation_config.json");
        if (Files.isRegularFile(gen)) addIds(eos, JSON.readTree(gen.toFile()).get("eos_token_id"));
        if (eos.isEmpty()) addIds(eos, text.get("eos_token_id"));
        if (eos.isEmpty()) addIds(eos, root.get("eos_token_id"));
        Long image = null;
        if (root.has("image_token_id")) image = root.get("image_token_id").asLong();
        else if (root.has("image_token_index")) image = root.get("image_token_index").asLong();
        return new HfConfig(root.path("model_type").asText(""), layers, kvHeads, headDim, context, Set.copyOf(eos), image, root);
    }

    private static void addIds(Set<Long> ids, JsonNode node) {
        if (node == null || node.isNull()) return;
        if (node.isArray()) node.forEach(n -> ids.add(n.asLong()));
        else ids.add(node.asLong());
    }
}
