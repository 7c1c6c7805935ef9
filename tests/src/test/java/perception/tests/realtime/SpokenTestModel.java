package perception.tests.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import perception.llm.onnx.testmodel.TestModelFolder;
import perception.llm.onnx.testmodel.TinyDecoders;

/**
 * An embedded test LLM that answers in speakable English, for voice round trips: a real ONNX
 * decoder (next token = previous token + 1) over a word-level tokenizer whose vocabulary is laid
 * out so that, after the ChatML prompt's last token "assistant", the tokens spell {@link #ANSWER}
 * and then the end-of-turn token. Every word of the answer is unique, so the chain is exact.
 */
public final class SpokenTestModel {
    public static final String ANSWER = "Hello there. I can hear you clearly. Today looks sunny and warm, with light wind from the west. "
            + "Tomorrow brings some rain, so please carry an umbrella when walking outside.";

    private SpokenTestModel() {
    }

    public static Path write(Path dir) {
        List<String> vocab = new ArrayList<>(List.of("[UNK]", "<|endoftext|>", "<|im_start|>", "system", "user", "assistant"));
        vocab.addAll(List.of(ANSWER.split(" ")));
        int eos = vocab.size();
        vocab.add("<|im_end|>");
        try {
            Files.createDirectories(dir.resolve("onnx"));
            Files.write(dir.resolve("onnx/model.onnx"), TinyDecoders.plusOne(TinyDecoders.Spec.text(vocab.size())));
            TinyDecoders.Spec spec = TinyDecoders.Spec.text(vocab.size());
            JsonObject config = new JsonObject().put("model_type", "llama").put("vocab_size", vocab.size())
                    .put("hidden_size", spec.hidden()).put("num_hidden_layers", spec.layers())
                    .put("num_attention_heads", spec.kvHeads()).put("num_key_value_heads", spec.kvHeads())
                    .put("head_dim", spec.headDim()).put("max_position_embeddings", 4096).put("eos_token_id", eos)
                    .put("architectures", new JsonArray().add("LlamaForCausalLM"));
            Files.writeString(dir.resolve("config.json"), config.encodePrettily());
            Files.writeString(dir.resolve("generation_config.json"), new JsonObject().put("bos_token_id", 1).put("eos_token_id", eos).encodePrettily());
            Files.writeString(dir.resolve("tokenizer_config.json"), new JsonObject().put("bos_token", "<|endoftext|>")
                    .put("eos_token", "<|im_end|>").put("model_max_length", 4096).put("chat_template", TestModelFolder.CHATML_TEMPLATE).encodePrettily());
            JsonObject words = new JsonObject();
            for (int i = 0; i < vocab.size(); i++) words.put(vocab.get(i), i);
            JsonArray added = new JsonArray();
            for (String special : List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>")) {
                added.add(new JsonObject().put("id", vocab.indexOf(special)).put("content", special).put("single_word", false)
                        .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true));
            }
            JsonObject tokenizer = new JsonObject().put("version", "1.0").putNull("truncation").putNull("padding")
                    .put("added_tokens", added).putNull("normalizer")
                    .put("pre_tokenizer", new JsonObject().put("type", "WhitespaceSplit")).putNull("post_processor")
                    .putNull("decoder")
                    .put("model", new JsonObject().put("type", "WordLevel").put("vocab", words).put("unk_token", "[UNK]"));
            Files.writeString(dir.resolve("tokenizer.json"), tokenizer.encodePrettily());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
