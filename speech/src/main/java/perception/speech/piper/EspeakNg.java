package perception.speech.piper;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * espeak-ng's text-to-phonemes, through JNA (no audio: espeak-ng only reads the text). espeak-ng
 * keeps its state in C globals, so there is one per process and every call holds its lock: it is
 * not thread-safe. Piper's own bridge (piper1-gpl) calls {@code espeak_TextToPhonemesWithTerminator},
 * which Debian's 1.51 lacks; this reads the terminator off the text each clause consumed instead
 * (see {@link #clauses}), and puts back the palatal glide ʲ that 1.51's IPA writer drops but 1.52's
 * writes (see {@link #withGlides}).
 */
public final class EspeakNg {
    private static final Logger log = LoggerFactory.getLogger(EspeakNg.class);
    private static final int AUDIO_OUTPUT_SYNCHRONOUS = 0x02;
    /** espeakCHARS_AUTO, as Piper reads text: UTF-8 (Java always hands it valid UTF-8). */
    private static final int CHARS_AUTO = 0;
    private static final int PHONEMES_MNEMONIC = 0x00;
    private static final int PHONEMES_IPA = 0x02;
    /** What the Debian packages install; the message of a missing espeak-ng names it. */
    public static final String INSTALL = "apt-get install -y libespeak-ng1 espeak-ng-data";

    interface Lib extends Library {
        int espeak_Initialize(int output, int buflength, String path, int options);

        int espeak_SetVoiceByName(String name);

        Pointer espeak_TextToPhonemes(PointerByReference textptr, int textmode, int phonememode);

        String espeak_Info(PointerByReference path);
    }

    /** One clause as espeak-ng read it: its phonemes (IPA), the punctuation that ended it ("" if none), and whether it ended a sentence. */
    public record Clause(String phonemes, String terminator, boolean endOfSentence) {
    }

    private static EspeakNg instance;
    private final Lib lib;
    private final String version;
    private final String dataDir;
    private String voice;

    private EspeakNg(Lib lib, String version, String dataDir) {
        this.lib = lib;
        this.version = version;
        this.dataDir = dataDir;
    }

    /**
     * The process's espeak-ng, initialised on first use with {@code dataDir} (null: the library's
     * own, e.g. Debian's espeak-ng-data). Later calls get the same one whatever they pass (espeak-ng
     * cannot be initialised twice). Throws {@link IllegalStateException} naming the install command
     * when the library or its data is missing.
     */
    public static synchronized EspeakNg get(Path dataDir) {
        if (instance != null) return instance;
        if (dataDir != null && !Files.isRegularFile(dataDir.resolve("espeak-ng-data").resolve("phontab"))
                && !Files.isRegularFile(dataDir.resolve("phontab"))) {
            throw new IllegalStateException("no espeak-ng data (phontab) under " + dataDir);
        }
        Lib lib;
        try {
            lib = Native.load(System.getProperty("os.name").startsWith("Windows") ? "libespeak-ng" : "espeak-ng", Lib.class);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("the espeak-ng library (libespeak-ng.so.1) is not installed: " + INSTALL, e);
        }
        // espeak-ng wants the folder above espeak-ng-data
        String path = dataDir == null ? null
                : (Files.isRegularFile(dataDir.resolve("phontab")) ? dataDir.getParent() : dataDir).toString();
        int rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, path, 0);
        if (rate <= 0) throw new IllegalStateException("espeak-ng found no data (espeak-ng-data): " + INSTALL);
        PointerByReference where = new PointerByReference();
        String version = lib.espeak_Info(where);
        String dir = where.getValue() == null ? "?" : where.getValue().getString(0);
        log.info("espeak-ng {} with data {}", version, dir);
        instance = new EspeakNg(lib, version, dir);
        return instance;
    }

    public String version() {
        return version;
    }

    public String dataDir() {
        return dataDir;
    }

    /** The text's clauses for {@code voice} (an espeak-ng voice name such as en-us), in order. */
    public synchronized List<Clause> clauses(String voice, String text) {
        if (!voice.equals(this.voice)) {
            if (lib.espeak_SetVoiceByName(voice) != 0) throw new IllegalArgumentException("espeak-ng has no voice " + voice);
            this.voice = voice;
        }
        // NUL would end the C string early; the rest of the text is espeak-ng's to read
        byte[] utf8 = text.replace('\0', ' ').getBytes(StandardCharsets.UTF_8);
        List<String[]> ipa = read(utf8, PHONEMES_IPA);
        List<String[]> mnemonic = read(utf8, PHONEMES_MNEMONIC);
        List<Clause> out = new ArrayList<>(ipa.size());
        for (int i = 0; i < ipa.size(); i++) {
            String[] c = ipa.get(i);
            String phonemes = i < mnemonic.size() ? withGlides(c[0], mnemonic.get(i)[0]) : c[0];
            String t = terminator(c[1], c[2] != null);
            // a paragraph break ends a sentence without a terminator
            boolean paragraph = "paragraph".equals(t);
            out.add(new Clause(phonemes, paragraph ? "" : t, paragraph || ".".equals(t) || "?".equals(t) || "!".equals(t)));
        }
        return out;
    }

    /** Each clause: {phonemes, the text it consumed, "more" if text follows (else null)}. */
    private List<String[]> read(byte[] utf8, int mode) {
        Memory text = new Memory(utf8.length + 1L);
        text.write(0, utf8, 0, utf8.length);
        text.setByte(utf8.length, (byte) 0);
        PointerByReference ptr = new PointerByReference(text);
        long base = Pointer.nativeValue(text);
        List<String[]> out = new ArrayList<>();
        int guard = utf8.length + 2; // each call consumes at least a character
        while (ptr.getValue() != null && guard-- > 0) {
            long start = Pointer.nativeValue(ptr.getValue()) - base;
            Pointer p = lib.espeak_TextToPhonemes(ptr, CHARS_AUTO, mode);
            String phonemes = p == null ? "" : p.getString(0, "UTF-8");
            boolean more = ptr.getValue() != null;
            long end = more ? Pointer.nativeValue(ptr.getValue()) - base : utf8.length;
            String consumed = new String(utf8, (int) Math.max(0, start), (int) Math.max(0, end - start), StandardCharsets.UTF_8);
            out.add(new String[]{phonemes, consumed, more ? "more" : null});
        }
        return out;
    }

    /**
     * The terminator espeak-ng's ReadClause saw. espeak-ng reads one character past a clause before
     * it stops (the pointer is left after it), so the clause's own text ends a character earlier.
     * A period, question or exclamation mark ends a sentence; comma, colon and semicolon a clause;
     * an ellipsis or a clause cut for length neither (as Piper maps espeak-ng's clause types).
     */
    static String terminator(String consumed, boolean more) {
        String s = consumed;
        if (more && !s.isEmpty()) s = s.substring(0, s.offsetByCodePoints(s.length(), -1));
        boolean paragraph = s.matches("(?s).*\\n\\s*\\n\\s*");
        s = s.stripTrailing();
        // closing quotes and brackets after the mark belong to the clause
        int end = s.length();
        while (end > 0 && "\"')]}\u201d\u2019".indexOf(s.charAt(end - 1)) >= 0) end--;
        s = s.substring(0, end);
        if (s.isEmpty()) return paragraph ? "paragraph" : "";
        if (s.endsWith("...") || s.endsWith("\u2026")) return "";
        char c = s.charAt(s.length() - 1);
        if (".?!,:;".indexOf(c) >= 0) return String.valueOf(c);
        return paragraph ? "paragraph" : "";
    }

    private static final String I_VOWELS = "iɪᵻ";

    /**
     * espeak-ng 1.52 writes the palatal glide that joins an i-vowel to a following vowel ("the
     * apple" ðɪʲ ˈæpəl, "FBI" ˌɛfbˌiːʲˈaɪ); 1.51 has it (mnemonic ';') but leaves it out of IPA.
     * Piper's voices were trained on 1.52's output, so it is put back: word by word, each ';' of
     * the mnemonic word becomes ʲ after the matching i-vowel of the IPA word.
     */
    static String withGlides(String ipa, String mnemonic) {
        if (mnemonic.indexOf(';') < 0) return ipa;
        String[] iw = ipa.split(" ", -1);
        String[] mw = mnemonic.split(" ", -1);
        if (iw.length != mw.length) return ipa;
        StringBuilder out = new StringBuilder(ipa.length() + 4);
        for (int w = 0; w < iw.length; w++) {
            if (w > 0) out.append(' ');
            String m = mw[w];
            String word = iw[w];
            if (m.indexOf(';') < 0) {
                out.append(word);
                continue;
            }
            // mid-word glides: in order, after an i-vowel (and its length mark) before a stress mark or vowel
            int mid = 0;
            for (int k = 0; k < m.length() - 1; k++) if (m.charAt(k) == ';') mid++;
            boolean atEnd = m.endsWith(";");
            StringBuilder b = new StringBuilder(word.length() + 2);
            for (int k = 0; k < word.length(); k++) {
                char c = word.charAt(k);
                b.append(c);
                if (mid > 0 && I_VOWELS.indexOf(c) >= 0) {
                    int j = k + 1;
                    if (j < word.length() && word.charAt(j) == 'ː') {
                        b.append('ː');
                        k = j++;
                    }
                    if (j < word.length() && (word.charAt(j) == 'ˈ' || word.charAt(j) == 'ˌ' || VOWELS.indexOf(word.charAt(j)) >= 0)) {
                        b.append('ʲ');
                        mid--;
                    }
                }
            }
            if (atEnd) b.append('ʲ');
            out.append(b);
        }
        return out.toString();
    }

    private static final String VOWELS = "aeiouæɑɒɔəɚɛɜɝɪʊʌᵻɐoɐ";
}
