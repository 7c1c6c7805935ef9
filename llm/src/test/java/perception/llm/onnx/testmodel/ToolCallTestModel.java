package perception.llm.onnx.testmodel;

import static perception.llm.onnx.OnnxGraph.attr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import perception.llm.onnx.OnnxGraph;
import perception.llm.onnx.OnnxGraph.Attr;
import perception.llm.onnx.OnnxGraph.Type;

/**
 * An embedded test LLM that uses a tool, with a known answer. A real ONNX decoder over a
 * word-level tokenizer (numbers 0–9999 are words of their own; the Qwen2.5 chat template, which
 * renders tools and tool results):
 * <ul>
 * <li>while the context holds no {@code <tool_response>}, after "assistant" it writes
 *     {@code <tool_call>}{@link #CALL}{@code </tool_call>} and ends;</li>
 * <li>once it does, it writes "The answer is N." where N is copied from the context: the last
 *     number token in it, i.e. the tool's result (the number the tool returned, wherever it sits
 *     in its output).</li>
 * </ul>
 * Every token id is kept in the KV cache (as the value of its position), so the decoder reads the
 * whole context from the cache it is given: a tool result that never reached the prompt, or a
 * cache that lost it, changes the answer.
 */
public final class ToolCallTestModel {
    public static final String CALL = "{\"name\":\"calculator\",\"arguments\":{\"expression\":\"17*23\"}}";
    /** The call with its closing brace missing. */
    public static final String MALFORMED_CALL = "{\"name\":\"calculator\",\"arguments\":{\"expression\":\"17*23\"}";
    public static final String ANSWER_PREFIX = "The answer is ";
    public static final int NUMBERS = 10_000;

    private static final List<String> WORDS = List.of("[UNK]", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool_call>",
            "</tool_call>", "<tool_response>", "</tool_response>", "system", "user", "assistant", "CALL", ANSWER_PREFIX, ".");
    private static final int EOS = 3, TOOL_CALL = 4, TOOL_CALL_END = 5, TOOL_RESPONSE = 6, ASSISTANT = 10, CALL_TOKEN = 11,
            PREFIX = 12, PERIOD = 13, FIRST_NUMBER = WORDS.size();

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolCallTestModel() {
    }

    /** The folder of a model that calls the calculator with {@code call} as its JSON. */
    public static Path write(Path dir, String call) {
        int vocab = FIRST_NUMBER + NUMBERS;
        List<String> words = new ArrayList<>(WORDS);
        words.set(CALL_TOKEN, call);
        for (int n = 0; n < NUMBERS; n++) words.add(Integer.toString(n));
        try {
            Files.createDirectories(dir.resolve("onnx"));
            Files.write(dir.resolve("onnx/model.onnx"), decoder(vocab));
            ObjectNode config = JSON.createObjectNode().put("model_type", "llama").put("vocab_size", vocab).put("hidden_size", 1)
                    .put("num_hidden_layers", 1).put("num_attention_heads", 1).put("num_key_value_heads", 1)
                    .put("head_dim", 1).put("max_position_embeddings", 8192).put("eos_token_id", EOS);
            config.putArray("architectures").add("LlamaForCausalLM");
            write(dir.resolve("config.json"), config);
            write(dir.resolve("generation_config.json"), JSON.createObjectNode().put("bos_token_id", 1).put("eos_token_id", EOS));
            write(dir.resolve("tokenizer_config.json"), JSON.createObjectNode().put("bos_token", "<|endoftext|>")
                    .put("eos_token", "<|im_end|>").put("model_max_length", 8192).put("chat_template", TestModelFolder.CHATML_TEMPLATE));
            write(dir.resolve("tokenizer.json"), tokenizer(words));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir) {
        return write(dir, CALL);
    }

    /**
     * WordLevel over whitespace-separated words with digit runs split off, so "{\"result\": 391}"
     * holds the word "391"; the Fuse decoder joins generated words as they are, so the call and
     * the answer come out exactly as written.
     */
    static ObjectNode tokenizer(List<String> words) {
        ObjectNode root = JSON.createObjectNode().put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int id = 1; id <= 7; id++) {
            boolean special = id <= 3; // Qwen's tool tags are added but not special: they are decoded
            added.addObject().put("id", id).put("content", words.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", special);
        }
        root.putNull("normalizer");
        ArrayNode pre = root.putObject("pre_tokenizer").put("type", "Sequence").putArray("pretokenizers");
        pre.addObject().put("type", "WhitespaceSplit");
        pre.addObject().put("type", "Digits").put("individual_digits", false);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "Fuse");
        ObjectNode model = root.putObject("model").put("type", "WordLevel").put("unk_token", "[UNK]");
        ObjectNode vocab = model.putObject("vocab");
        for (int i = 0; i < words.size(); i++) vocab.put(words.get(i), i);
        return root;
    }

    private static void write(Path file, Object json) throws IOException {
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
    }

    /** The decoder: next token from the last one by one of two tables, chosen by whether a tool result is in context. */
    static byte[] decoder(int vocab) {
        float[] noResult = new float[vocab], withResult = new float[vocab];
        Arrays.fill(noResult, EOS);
        Arrays.fill(withResult, EOS);
        noResult[ASSISTANT] = TOOL_CALL;
        noResult[TOOL_CALL] = CALL_TOKEN;
        noResult[CALL_TOKEN] = TOOL_CALL_END;
        withResult[ASSISTANT] = PREFIX;
        withResult[PREFIX] = -1; // copy the number
        for (int n = FIRST_NUMBER; n < vocab; n++) withResult[n] = PERIOD;

        OnnxGraph g = new OnnxGraph("tool_call_decoder");
        g.input("input_ids", Type.INT64, "batch_size", "sequence_length");
        g.input("attention_mask", Type.INT64, "batch_size", "past_sequence_length + sequence_length");
        g.input("position_ids", Type.INT64, "batch_size", "sequence_length");
        g.input("past_key_values.0.key", Type.FLOAT, "batch_size", 1, "past_sequence_length", 1);
        g.input("past_key_values.0.value", Type.FLOAT, "batch_size", 1, "past_sequence_length", 1);
        // the cache keeps every token id seen: [b, 1, past + s, 1]
        String ids = g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, "input_ids");
        String kv = g.op("Unsqueeze", ids, g.constLong(new long[] {1, 3}, 2));
        g.node("Concat", new String[] {"past_key_values.0.key", kv}, new String[] {"present.0.key"}, attr("axis", 2L));
        g.node("Concat", new String[] {"past_key_values.0.value", kv}, new String[] {"present.0.value"}, attr("axis", 2L));
        String seq = g.op("Reshape", "present.0.value", g.constLong(new long[] {-1}, 1)); // [T]
        String last = g.op("Cast", new Attr[] {attr("to", (long) Type.INT64.code)},
                g.op("Gather", seq, g.constLong(new long[] {-1}, 1))); // [1]
        // is a tool result in context?
        String flag = g.op("ReduceMax", new Attr[] {attr("keepdims", 1L)},
                g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, g.op("Equal", seq, g.constFloat(new float[] {TOOL_RESPONSE}, 1))));
        // the last number token in context
        String isNumber = g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, g.op("And",
                g.op("GreaterOrEqual", seq, g.constFloat(new float[] {FIRST_NUMBER}, 1)),
                g.op("Less", seq, g.constFloat(new float[] {vocab}, 1))));
        String positions = g.op("CumSum", g.op("Add", g.op("Mul", seq, g.constFloat(new float[] {0}, 1)), g.constFloat(new float[] {1}, 1)),
                g.constLong(new long[] {0}));
        String weighted = g.op("Mul", isNumber, positions);
        String latest = g.op("ReduceMax", new Attr[] {attr("keepdims", 1L)}, weighted);
        String chosen = g.op("Mul", g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, g.op("Equal", weighted, latest)), isNumber);
        String copied = g.op("ReduceSum", new Attr[] {attr("keepdims", 1L)}, g.op("Mul", chosen, seq)); // [1]
        // next token
        String next1 = g.op("Gather", g.constFloat(noResult, vocab), last);
        String raw2 = g.op("Gather", g.constFloat(withResult, vocab), last);
        String isCopy = g.op("Cast", new Attr[] {attr("to", (long) Type.FLOAT.code)}, g.op("Equal", raw2, g.constFloat(new float[] {-1}, 1)));
        String next2 = g.op("Add", raw2, g.op("Mul", isCopy, g.op("Sub", copied, raw2)));
        String next = g.op("Add", next1, g.op("Mul", flag, g.op("Sub", next2, next1)));
        float[] range = new float[vocab];
        for (int i = 0; i < vocab; i++) range[i] = i;
        String logits = g.op("Neg", g.op("Abs", g.op("Sub", g.constFloat(range, vocab), next))); // [V], 0 at the next token
        g.node("Unsqueeze", new String[] {logits, g.constLong(new long[] {0}, 1)}, new String[] {"logits"});
        g.output("logits", Type.FLOAT, "batch_size", vocab);
        g.output("present.0.key", Type.FLOAT, "batch_size", 1, "past_sequence_length + sequence_length", 1);
        g.output("present.0.value", Type.FLOAT, "batch_size", 1, "past_sequence_length + sequence_length", 1);
        return g.toModel();
    }

}
