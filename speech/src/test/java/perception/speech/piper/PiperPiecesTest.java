package perception.speech.piper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts of the Piper path: clause terminators, the 1.52 glide, ids, and how sentences are cut for streaming. */
class PiperPiecesTest {

    @Test
    void theTerminatorIsReadOffTheTextEspeakConsumed() {
        // espeak-ng leaves its pointer one character past the clause
        assertEquals("!", EspeakNg.terminator("Wow! T", true));
        assertEquals(":", EspeakNg.terminator("hat's amazing: 1", true));
        assertEquals(".", EspeakNg.terminator("00% done.", false));
        assertEquals("?", EspeakNg.terminator("Is it 10:30 already? I", true));
        assertEquals(".", EspeakNg.terminator("\"Don't go there.\"", false), "a closing quote after the mark");
        assertEquals("", EspeakNg.terminator("now... o", true), "an ellipsis ends neither clause type Piper maps");
        assertEquals("", EspeakNg.terminator("The year 2024 had 366 days", false));
        assertEquals("paragraph", EspeakNg.terminator("first part\n\nS", true));
    }

    @Test
    void theGlideThat152WritesIsPutBack() {
        assertEquals("ðɪʲ ˌɛfbˌiːʲˈaɪ", EspeakNg.withGlides("ðɪ ˌɛfbˌiːˈaɪ", "DI2; ,Efb,i:;'aI"));
        assertEquals("tˈɛn θˈɜːɾiʲ ɔːlɹˈɛdi", EspeakNg.withGlides("tˈɛn θˈɜːɾi ɔːlɹˈɛdi", "t'En T'3:t#i; O:lr'Edi"));
        assertEquals("ðə kˈæt", EspeakNg.withGlides("ðə kˈæt", "D@ k'at"), "no ';': unchanged");
    }

    @Test
    void idsAreBosPadEachPhonemeThenPadAndEos() {
        Map<String, int[]> map = Map.of("^", new int[]{1}, "$", new int[]{2}, "_", new int[]{0}, "a", new int[]{14}, "b", new int[]{15});
        // "x" is not in the map: skipped, as Piper does
        assertEquals(List.of(1L, 0L, 14L, 0L, 15L, 0L, 2L), toList(PiperPhonemes.ids(List.of("a", "x", "b"), map)));
        List<List<String>> sentences = PiperPhonemes.sentences(List.of(new EspeakNg.Clause("hɛlˈoʊ", ",", false),
                new EspeakNg.Clause("(en)wˈɜːld", ".", true), new EspeakNg.Clause("nˈɛkst", "", false)));
        assertEquals(List.of("hɛlˈoʊ, wˈɜːld.", "nˈɛkst"), sentences.stream().map(s -> String.join("", s)).toList(),
                "comma clause joined with a space, (lang) flags dropped, the rest its own sentence");
    }

    @Test
    void aLongFirstSentenceIsSpokenFromItsFirstClauseAndNoPieceIsUnbounded() {
        List<String> first = chars("ðə kwˈɪk bɹˈaʊn fˈɑːks, dʒˈʌmps ˌoʊvɚ ðə lˈeɪzi dˈɑːɡ ænd ɹˈʌnz ɐwˈeɪ.");
        List<List<String>> pieces = PiperSynthesizer.pieces(List.of(first, chars("nˈɛkst.")));
        assertEquals(3, pieces.size());
        assertEquals("ðə kwˈɪk bɹˈaʊn fˈɑːks, ", String.join("", pieces.get(0)));
        List<String> digits = new ArrayList<>();
        for (int i = 0; i < 3000; i++) digits.addAll(chars("wˈʌn "));
        List<List<String>> cut = PiperSynthesizer.pieces(List.of(digits));
        assertTrue(cut.stream().allMatch(p -> p.size() <= PiperSynthesizer.MAX_SENTENCE_PHONEMES), "every piece bounded");
        assertEquals(digits.size(), cut.stream().mapToInt(List::size).sum(), "nothing lost");
    }

    static List<String> chars(String s) {
        return s.codePoints().mapToObj(c -> new String(Character.toChars(c))).toList();
    }

    static List<Long> toList(long[] a) {
        List<Long> out = new ArrayList<>();
        for (long v : a) out.add(v);
        return out;
    }
}
