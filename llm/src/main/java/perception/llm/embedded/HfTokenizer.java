package perception.llm.embedded;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;

/**
 * tokenizer.json through the Hugging Face tokenizers library (DJL binding; its native library
 * ships inside the jar, so it works offline). Chat templates already contain the special tokens,
 * so encoding never adds any (as transformers' apply_chat_template(tokenize=True) does).
 */
public final class HfTokenizer implements AutoCloseable {
    static {
        // DJL otherwise calls an instance-metadata service (usage tracking) and may try downloads
        if (System.getProperty("OPT_OUT_TRACKING") == null) System.setProperty("OPT_OUT_TRACKING", "true");
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
    }

    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public static HfTokenizer load(Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(file)) throw new IOException("tokenizer.json missing in " + dir);
        return new HfTokenizer(HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false",
                "truncation", "false", "padding", "false", "modelMaxLength", String.valueOf(Integer.MAX_VALUE))));
    }

    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /** Id of a token that must encode to exactly one id (special tokens such as {@code <image>}). */
    public OptionalLong tokenId(String token) {
        long[] ids = encode(token);
        return ids.length == 1 ? OptionalLong.of(ids[0]) : OptionalLong.empty();
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
