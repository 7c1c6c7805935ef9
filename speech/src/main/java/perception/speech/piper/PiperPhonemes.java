package perception.speech.piper;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Text to Piper's phoneme ids, as piper-tts 1.8.0 does it (phonemize_espeak.py, phoneme_ids.py):
 * espeak-ng's clauses, each clause's phonemes with "(lang)" switch flags removed and its terminator
 * kept (a space after , : ;), decomposed to NFD code points, grouped into sentences where espeak-ng
 * ended one; each sentence's ids are ^ _ then every known phoneme's ids followed by _ , then $.
 */
public final class PiperPhonemes {
    public static final String PAD = "_", BOS = "^", EOS = "$";
    private static final java.util.regex.Pattern LANG_FLAG = java.util.regex.Pattern.compile("\\([^)]+\\)");

    private PiperPhonemes() {
    }

    /** The phonemes (code points) of each sentence; empty sentences are left out. */
    public static List<List<String>> sentences(List<EspeakNg.Clause> clauses) {
        List<List<String>> all = new ArrayList<>();
        List<String> sentence = new ArrayList<>();
        for (EspeakNg.Clause c : clauses) {
            String p = LANG_FLAG.matcher(c.phonemes()).replaceAll("") + c.terminator();
            if (c.terminator().equals(",") || c.terminator().equals(":") || c.terminator().equals(";")) p += " ";
            Normalizer.normalize(p, Normalizer.Form.NFD).codePoints().forEach(cp -> sentence.add(new String(Character.toChars(cp))));
            if (c.endOfSentence()) {
                if (!sentence.isEmpty()) all.add(List.copyOf(sentence));
                sentence.clear();
            }
        }
        if (!sentence.isEmpty()) all.add(List.copyOf(sentence));
        return all;
    }

    /** A sentence's ids; phonemes missing from the map are skipped (Piper logs and skips them too). */
    public static long[] ids(List<String> phonemes, Map<String, int[]> idMap) {
        int[] pad = idMap.getOrDefault(PAD, new int[0]);
        List<Integer> ids = new ArrayList<>(phonemes.size() * 2 + 4);
        add(ids, idMap.get(BOS));
        add(ids, pad);
        for (String p : phonemes) {
            int[] id = idMap.get(p);
            if (id == null) continue;
            add(ids, id);
            add(ids, pad);
        }
        add(ids, idMap.get(EOS));
        long[] out = new long[ids.size()];
        for (int i = 0; i < out.length; i++) out[i] = ids.get(i);
        return out;
    }

    private static void add(List<Integer> to, int[] ids) {
        if (ids == null) return;
        for (int id : ids) to.add(id);
    }
}
