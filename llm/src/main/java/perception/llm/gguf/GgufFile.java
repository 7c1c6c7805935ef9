package perception.llm.gguf;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The metadata of a GGUF file, read in Java before llama.cpp sees the file: the magic and version
 * are checked, every length is bounded by the file's size, and only the keys the gateway needs are
 * kept (architecture, name, context length, chat template, the BOS/EOS token texts, the texts of
 * the control tokens — what a message must not smuggle into a prompt). A file that is
 * not a GGUF, or is truncated, fails here with what to do instead of reaching native code.
 */
public record GgufFile(Path path, int version, String architecture, String name, int contextLength, String chatTemplate,
                       String bosToken, String eosToken, List<String> controlTokens) {

    private static final int MAGIC = 0x46554747; // "GGUF", little-endian
    private static final long MAX_KEYS = 100_000;
    private static final int MAX_STRING = 16 * 1024 * 1024;

    public static GgufFile read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("GGUF model " + path + " does not exist: run ./run-gateway models fetch smollm2-135m, or set llm_model_file to a .gguf file");
        }
        long size = Files.size(path);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
            Reader r = new Reader(new DataInputStream(in), size);
            if (size < 24 || r.u32() != MAGIC) {
                throw new IOException(path + " is not a GGUF file (no GGUF magic): use a .gguf chat model (llama.cpp's format), "
                        + "e.g. ./run-gateway models fetch smollm2-135m");
            }
            int version = r.u32();
            if (version < 2 || version > 3) throw new IOException(path + " is GGUF version " + version + "; llama.cpp here reads versions 2 and 3");
            r.u64(); // tensor count
            long keys = r.u64();
            if (keys < 0 || keys > MAX_KEYS) throw new IOException(path + " claims " + keys + " metadata keys: the file is corrupt");
            Map<String, Object> kept = new HashMap<>();
            long bosId = -1, eosId = -1;
            String[] tokens = new String[0];
            int[] tokenTypes = new int[0];
            for (long i = 0; i < keys; i++) {
                String key = r.string();
                int type = r.u32();
                if (key.equals("tokenizer.ggml.tokens") && type == ARRAY) {
                    // writers put the token texts before the BOS/EOS ids, so all are kept until the ids are known
                    int elem = r.u32();
                    long n = r.count(8);
                    tokens = new String[(int) n];
                    for (int t = 0; t < n; t++) {
                        if (elem == STRING) tokens[t] = r.string();
                        else r.skipValue(elem);
                    }
                    continue;
                }
                if (key.equals("tokenizer.ggml.token_type") && type == ARRAY) {
                    int elem = r.u32();
                    long n = r.count(1);
                    tokenTypes = new int[(int) Math.min(n, Integer.MAX_VALUE)];
                    for (int t = 0; t < n; t++) {
                        if (elem == 5 || elem == 4) tokenTypes[t] = r.u32();
                        else r.skipValue(elem);
                    }
                    continue;
                }
                Object v = r.value(type);
                if (key.equals("tokenizer.ggml.bos_token_id") && v instanceof Number num) bosId = num.longValue();
                if (key.equals("tokenizer.ggml.eos_token_id") && v instanceof Number num) eosId = num.longValue();
                if (v != null) kept.put(key, v);
            }
            String bos = bosId >= 0 && bosId < tokens.length ? tokens[(int) bosId] : null;
            String eos = eosId >= 0 && eosId < tokens.length ? tokens[(int) eosId] : null;
            List<String> control = new ArrayList<>();
            for (int t = 0; t < Math.min(tokens.length, tokenTypes.length); t++) {
                if (tokenTypes[t] == CONTROL && tokens[t] != null && tokens[t].length() >= 3) control.add(tokens[t]);
            }
            String arch = (String) kept.get("general.architecture");
            if (arch == null) throw new IOException(path + " has no general.architecture: not a llama.cpp model file");
            Object ctx = kept.get(arch + ".context_length");
            String name = (String) kept.getOrDefault("general.name", path.getFileName().toString());
            return new GgufFile(path, version, arch, name, ctx instanceof Number n ? (int) Math.min(Integer.MAX_VALUE, n.longValue()) : 0,
                    (String) kept.get("tokenizer.chat_template"), bos, eos, List.copyOf(control));
        } catch (EOFException e) {
            throw new IOException(path + " is truncated (its metadata ends early): fetch it again with ./run-gateway models fetch", e);
        }
    }

    private static final int STRING = 8;
    /** llama.cpp's token type of role markers and other tokens only a template may write. */
    private static final int CONTROL = 3;
    private static final int ARRAY = 9;

    /** Little-endian reads that never allocate more than the file could hold. */
    private static final class Reader {
        private final DataInputStream in;
        private final long size;

        Reader(DataInputStream in, long size) {
            this.in = in;
            this.size = size;
        }

        int u32() throws IOException {
            return Integer.reverseBytes(in.readInt());
        }

        long u64() throws IOException {
            return Long.reverseBytes(in.readLong());
        }

        /** An element count whose elements of at least {@code minBytes} each fit in the file. */
        long count(int minBytes) throws IOException {
            long n = u64();
            if (n < 0 || n > size / Math.max(1, minBytes)) throw new IOException("a GGUF array of " + n + " elements is larger than the file: corrupt");
            return n;
        }

        String string() throws IOException {
            long n = u64();
            if (n < 0 || n > MAX_STRING || n > size) throw new IOException("a GGUF string of " + n + " bytes: the file is corrupt");
            byte[] b = new byte[(int) n];
            in.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        /** A scalar or string value; arrays are skipped (null). */
        Object value(int type) throws IOException {
            return switch (type) {
                case 0 -> (long) in.readUnsignedByte();
                case 1 -> (long) in.readByte();
                case 2 -> (long) Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
                case 3 -> (long) Short.reverseBytes(in.readShort());
                case 4 -> Integer.toUnsignedLong(u32());
                case 5 -> (long) u32();
                case 6 -> Float.intBitsToFloat(u32());
                case 7 -> in.readByte() != 0;
                case STRING -> string();
                case ARRAY -> {
                    int elem = u32();
                    long n = count(elem == STRING ? 8 : 1);
                    for (long i = 0; i < n; i++) skipValue(elem);
                    yield null;
                }
                case 10, 11 -> u64();
                case 12 -> Double.longBitsToDouble(u64());
                default -> throw new IOException("unknown GGUF value type " + type + ": the file is corrupt or newer than this reader");
            };
        }

        void skipValue(int type) throws IOException {
            switch (type) {
                case 0, 1, 7 -> in.skipNBytes(1);
                case 2, 3 -> in.skipNBytes(2);
                case 4, 5, 6 -> in.skipNBytes(4);
                case 10, 11, 12 -> in.skipNBytes(8);
                case STRING -> {
                    long n = u64();
                    if (n < 0 || n > size) throw new IOException("a GGUF string of " + n + " bytes: the file is corrupt");
                    in.skipNBytes(n);
                }
                default -> value(type);
            }
        }
    }
}
