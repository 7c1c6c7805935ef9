package perception.llm.embedded;

import java.util.Arrays;

/**
 * Turns tokens into text incrementally without splitting multi-byte characters or losing the
 * spaces that tokenizers attach to the following token: decodes a short window of recent tokens
 * twice (with and without the newest) and emits the difference, holding back while the tail is an
 * incomplete UTF-8 sequence (U+FFFD). Constant work per token.
 */
public final class TextStreamer {
    private final HfTokenizer tokenizer;
    private long[] ids = new long[64];
    private int size;
    private int prefixOffset;
    private int readOffset;

    public TextStreamer(HfTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    public String push(long id) {
        if (size == ids.length) ids = Arrays.copyOf(ids, size * 2);
        ids[size++] = id;
        String prefix = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, readOffset), true);
        String full = tokenizer.decode(Arrays.copyOfRange(ids, prefixOffset, size), true);
        if (full.length() > prefix.length() && !full.endsWith("\uFFFD") && full.startsWith(prefix)) {
            String delta = full.substring(prefix.length());
            prefixOffset = readOffset;
            readOffset = size;
            return delta;
        }
        if (!full.startsWith(prefix) && !full.endsWith("\uFFFD")) {
            // rare: the decoder rewrote earlier text; resynchronise on the new token
            prefixOffset = readOffset;
            readOffset = size;
        }
        return "";
    }

    public int tokens() {
        return size;
    }
}
