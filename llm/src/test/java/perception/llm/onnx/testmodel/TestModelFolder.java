package perception.llm.onnx.testmodel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a complete Hugging Face style model folder around a tiny ONNX model: config.json,
 * generation_config.json, a byte-level BPE tokenizer.json (256 byte tokens, no merges, so any text
 * round-trips), tokenizer_config.json with a real chat template, and onnx/*.onnx in the Optimum /
 * transformers.js names. The embedded runtime loads it like a downloaded model; tests and
 * {@code --llm-model-dir} use it.
 */
public final class TestModelFolder {

    /** What the folder holds. */
    public enum Kind {
        /** Text decoder whose greedy answer is lowercase letters chosen by {@link Reference#checksumNext}. */
        TEXT_CHECKSUM,
        /** The same as a merged decoder with {@code use_cache_branch} and float16 KV cache and logits. */
        TEXT_CHECKSUM_MERGED_FP16,
        /** Text decoder: next token = previous + 1. */
        TEXT_PLUS_ONE,
        /** SmolVLM-style trio: vision_encoder, embed_tokens, decoder_model_merged (checksum). */
        VLM,
        /** Calls the calculator, then answers with the tool's result: see {@link ToolCallTestModel}. */
        TOOL_CALL
    }

    /** ChatML template of Qwen/Qwen2.5-0.5B-Instruct (see llm/src/test/resources/templates/README.md). */
    public static final String CHATML_TEMPLATE = loadTemplate("qwen2.5-chat-template.jinja");
    /** chat_template.json of HuggingFaceTB/SmolVLM-500M-Instruct (same 429-byte file as the 256M model). */
    public static final String SMOLVLM_TEMPLATE = loadTemplate("smolvlm-chat-template.jinja");

    public static final List<String> TEXT_SPECIALS = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    public static final int CHECKSUM_BASE = 'a';
    public static final int CHECKSUM_MODULUS = 26;
    /** Side of a tile and rows of features per tile in the tiny VLM. */
    public static final int VLM_TILE = 32;
    public static final int VLM_ROWS = 4;

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestModelFolder() {
    }

    /** {@code TestModelFolder DIR [TEXT_CHECKSUM|TEXT_CHECKSUM_MERGED_FP16|TEXT_PLUS_ONE|VLM|TOOL_CALL]}: writes a folder for --llm-model-dir. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: TestModelFolder DIR [" + java.util.Arrays.toString(Kind.values()) + "]");
            System.exit(2);
        }
        Kind kind = args.length > 1 ? Kind.valueOf(args[1]) : Kind.TEXT_CHECKSUM;
        System.out.println("wrote " + write(Path.of(args[0]), kind).toAbsolutePath() + " (" + kind + ")");
    }

    public static List<String> vlmSpecials() {
        List<String> s = new ArrayList<>(List.of("<|endoftext|>", "<|im_start|>", "<end_of_utterance>",
                "<fake_token_around_image>", "<global-img>", "<image>"));
        for (int r = 1; r <= 6; r++) for (int c = 1; c <= 6; c++) s.add("<row_" + r + "_col_" + c + ">");
        return s;
    }

    /** Writes the folder (created if needed) and returns it. */
    public static Path write(Path dir, Kind kind) {
        if (kind == Kind.TOOL_CALL) return ToolCallTestModel.write(dir);
        try {
            Files.createDirectories(dir.resolve("onnx"));
            boolean vlm = kind == Kind.VLM;
            List<String> specials = vlm ? vlmSpecials() : TEXT_SPECIALS;
            int vocab = 256 + specials.size();
            int eos = 256 + specials.indexOf(vlm ? "<end_of_utterance>" : "<|im_end|>");
            TinyDecoders.Spec spec = TinyDecoders.Spec.text(vocab).withChecksum(CHECKSUM_BASE, CHECKSUM_MODULUS);
            byte[] decoder;
            String decoderName = "model.onnx";
            switch (kind) {
                case TEXT_CHECKSUM -> decoder = TinyDecoders.checksum(spec);
                case TEXT_CHECKSUM_MERGED_FP16 -> {
                    decoder = TinyDecoders.checksum(spec.float16().mergedWithCacheBranch());
                    decoderName = "decoder_model_merged_fp16.onnx";
                }
                case TEXT_PLUS_ONE -> decoder = TinyDecoders.plusOne(spec);
                default -> {
                    decoder = TinyDecoders.checksum(spec.embeds());
                    decoderName = "decoder_model_merged.onnx";
                    Files.write(dir.resolve("onnx/vision_encoder.onnx"), TinyVision.visionEncoder(VLM_TILE, VLM_ROWS, spec.hidden()));
                    Files.write(dir.resolve("onnx/embed_tokens.onnx"), TinyVision.embedTokens(vocab, spec.hidden()));
                }
            }
            Files.write(dir.resolve("onnx").resolve(decoderName), decoder);

            ObjectNode text = JSON.createObjectNode()
                    .put("model_type", "llama").put("vocab_size", vocab).put("hidden_size", spec.hidden())
                    .put("num_hidden_layers", spec.layers()).put("num_attention_heads", spec.kvHeads())
                    .put("num_key_value_heads", spec.kvHeads()).put("head_dim", spec.headDim())
                    .put("max_position_embeddings", 2048).put("eos_token_id", eos);
            ObjectNode config;
            if (vlm) {
                config = JSON.createObjectNode();
                config.putArray("architectures").add("Idefics3ForConditionalGeneration");
                config.put("model_type", "idefics3").put("image_token_id", 256 + specials.indexOf("<image>")).put("scale_factor", 4);
                config.set("text_config", text);
                write(dir.resolve("preprocessor_config.json"), JSON.readTree("""
                        {"do_convert_rgb": true, "do_image_splitting": true, "do_normalize": true, "do_pad": true,
                         "do_rescale": true, "do_resize": true, "image_mean": [0.5, 0.5, 0.5],
                         "image_processor_type": "Idefics3ImageProcessor", "image_std": [0.5, 0.5, 0.5],
                         "max_image_size": {"longest_edge": %d}, "processor_class": "Idefics3Processor",
                         "resample": 1, "rescale_factor": 0.00392156862745098, "size": {"longest_edge": %d}}
                        """.formatted(VLM_TILE, VLM_TILE * 2)));
                write(dir.resolve("processor_config.json"), JSON.createObjectNode().put("image_seq_len", VLM_ROWS)
                        .put("processor_class", "Idefics3Processor"));
                write(dir.resolve("chat_template.json"), JSON.createObjectNode().put("chat_template", SMOLVLM_TEMPLATE));
            } else {
                config = text.deepCopy();
                config.putArray("architectures").add("LlamaForCausalLM");
            }
            config.put("perception_test_model", kind.name());
            write(dir.resolve("config.json"), config);
            write(dir.resolve("generation_config.json"), JSON.createObjectNode().put("bos_token_id", 256).put("eos_token_id", eos));
            write(dir.resolve("tokenizer.json"), tokenizerJson(specials));
            ObjectNode tc = JSON.createObjectNode().put("bos_token", "<|endoftext|>")
                    .put("eos_token", specials.get(eos - 256)).put("model_max_length", 2048)
                    .put("tokenizer_class", "GPT2Tokenizer");
            if (!vlm) tc.put("chat_template", CHATML_TEMPLATE);
            write(dir.resolve("tokenizer_config.json"), tc);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A folder around a random-weight Llama ({@link RandomLlama}) with a byte-level tokenizer padded
     * to the model's vocabulary and the ChatML template: for benchmarks of the whole chat path.
     */
    public static Path writeRandomLlama(Path dir, RandomLlama.Shape shape, long seed) {
        try {
            Files.createDirectories(dir.resolve("onnx"));
            RandomLlama.write(dir.resolve("onnx/model.onnx"), shape, seed);
            int eos = 256 + TEXT_SPECIALS.indexOf("<|im_end|>");
            ObjectNode config = JSON.createObjectNode().put("model_type", "llama").put("vocab_size", shape.vocab())
                    .put("hidden_size", shape.hidden()).put("num_hidden_layers", shape.layers())
                    .put("num_attention_heads", shape.heads()).put("num_key_value_heads", shape.kvHeads())
                    .put("head_dim", shape.headDim()).put("intermediate_size", shape.intermediate())
                    .put("max_position_embeddings", shape.maxPositions()).put("eos_token_id", eos);
            config.putArray("architectures").add("LlamaForCausalLM");
            write(dir.resolve("config.json"), config);
            write(dir.resolve("generation_config.json"), JSON.createObjectNode().put("bos_token_id", 256).put("eos_token_id", eos));
            write(dir.resolve("tokenizer.json"), tokenizerJson(TEXT_SPECIALS, shape.vocab()));
            write(dir.resolve("tokenizer_config.json"), JSON.createObjectNode().put("bos_token", "<|endoftext|>")
                    .put("eos_token", "<|im_end|>").put("chat_template", CHATML_TEMPLATE));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Byte-level BPE with one token per byte (id = byte value) and the given added special tokens. */
    static ObjectNode tokenizerJson(List<String> specials) {
        return tokenizerJson(specials, 0);
    }

    /** As above, padded with plain filler tokens ("t259", ...) up to vocabSize (for models with big vocabularies). */
    static ObjectNode tokenizerJson(List<String> specials, int vocabSize) {
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < specials.size(); i++) {
            added.addObject().put("id", 256 + i).put("content", specials.get(i)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false)
                .put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true)
                .put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model").put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = model.putObject("vocab");
        char[] map = byteToUnicode();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(map[b]), b);
        for (int id = 256 + specials.size(); id < vocabSize; id++) vocab.put("t" + id, id);
        model.putArray("merges");
        return root;
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to 256+n. */
    static char[] byteToUnicode() {
        char[] map = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map[b] = printable ? (char) b : (char) (256 + n++);
        }
        return map;
    }

    private static void write(Path file, Object json) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    private static String loadTemplate(String name) {
        try (var in = TestModelFolder.class.getResourceAsStream("/perception/llm/templates/" + name)) {
            if (in == null) throw new IllegalStateException("template resource " + name + " missing from the llm jar");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
