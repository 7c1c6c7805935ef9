package perception.speech.piper;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import perception.speech.Pcm16;
import perception.speech.Resampler;
import perception.speech.Synthesizer;

/**
 * Piper neural speech: a VITS voice exported to ONNX, run by ONNX Runtime on phoneme ids from
 * espeak-ng ({@link PiperPhonemes}). Each sentence is one model run, handed to the sink as soon as
 * it is made, so playback starts after the first sentence; a long first sentence is cut at its
 * first clause (comma, colon, semicolon) so its first audio leaves sooner. The session is shared
 * (ONNX Runtime sessions are thread-safe); espeak-ng is serialised inside {@link EspeakNg}.
 */
public final class PiperSynthesizer implements Synthesizer {
    /** A first sentence with more phonemes than this is spoken clause by clause (about 2 s of speech). */
    static final int FIRST_CLAUSE_PHONEMES = 40;
    /** Longest sentence sent to the model at once, in phonemes: longer ones are cut at clauses, or else at spaces, so one run stays bounded. */
    static final int MAX_SENTENCE_PHONEMES = 400;
    /**
     * Most phonemes one request may make (about 15 minutes of speech). The callers cap the text's
     * characters, but a character can cost many phonemes: a digit string is read digit by digit
     * ("4 0 9 6" is twenty phonemes), so this bounds the model's work whatever the text.
     */
    public static final int MAX_PHONEMES = 50_000;

    private final String name;
    private final PiperVoiceConfig config;
    private final EspeakNg espeak;
    private final OrtEnvironment env;
    private final OrtSession session;

    private PiperSynthesizer(String name, PiperVoiceConfig config, EspeakNg espeak, OrtEnvironment env, OrtSession session) {
        this.name = name;
        this.config = config;
        this.espeak = espeak;
        this.env = env;
        this.session = session;
    }

    /**
     * Loads the voice {@code onnx} (its config beside it, {@code .onnx.json}) with {@code threads}
     * ONNX Runtime intra-op threads; espeak-ng from {@code espeakData} (null: the system's).
     */
    public static PiperSynthesizer load(Path onnx, Path espeakData, int threads) throws IOException, OrtException {
        Path json = Path.of(onnx + ".json");
        if (!Files.isRegularFile(onnx) || !Files.isRegularFile(json)) throw new IllegalStateException("Piper voice missing: " + onnx + " and " + json);
        PiperVoiceConfig config = PiperVoiceConfig.read(json);
        EspeakNg espeak = EspeakNg.get(espeakData);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Math.max(1, threads));
        options.setInterOpNumThreads(1);
        String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
        return new PiperSynthesizer(name, config, espeak, env, env.createSession(onnx.toString(), options));
    }

    public PiperVoiceConfig config() {
        return config;
    }

    @Override
    public String voice() {
        return name;
    }

    /** Piper's sentences of phonemes for {@code text}, exactly as piper-tts makes them. */
    public List<List<String>> phonemize(String text) {
        return PiperPhonemes.sentences(espeak.clauses(config.espeakVoice(), text));
    }

    /** Piper's ids for each sentence of {@code text}. */
    public List<long[]> phonemeIds(String text) {
        return phonemize(text).stream().map(p -> PiperPhonemes.ids(p, config.phonemeIdMap())).toList();
    }

    @Override
    public long synthesize(String text, int sampleRate, double speed, double maxSeconds, SentenceSink sink) {
        Synthesizer.checkArguments(text, sampleRate, speed, maxSeconds);
        long total = 0;
        List<List<String>> sentences = phonemize(text);
        int phonemes = sentences.stream().mapToInt(List::size).sum();
        if (phonemes > MAX_PHONEMES) {
            throw new IllegalArgumentException("the text makes " + phonemes + " phonemes when spoken (a long number is read digit by digit); the limit is "
                    + MAX_PHONEMES + ": send less text");
        }
        List<List<String>> pieces = pieces(sentences);
        for (List<String> p : pieces) {
            float[] audio = audio(PiperPhonemes.ids(p, config.phonemeIdMap()), (float) (config.lengthScale() / speed));
            float[] out = Resampler.resample(audio, config.sampleRate(), sampleRate);
            byte[] pcm = Pcm16.encode(out, 0, out.length);
            // a piece past the cap is never delivered: what was sent stays, and the caller hears why it stopped
            if ((total + pcm.length) / (2.0 * sampleRate) > maxSeconds) throw new perception.speech.SpeechTooLongException(maxSeconds);
            total += pcm.length;
            sink.accept(pcm);
        }
        return total;
    }

    /**
     * The sentences as the model will speak them: the first cut after its first clause when it is
     * long (first audio sooner), any sentence past {@link #MAX_SENTENCE_PHONEMES} cut into bounded
     * pieces (a hostile 5,000-digit number is one sentence of tens of thousands of phonemes).
     */
    static List<List<String>> pieces(List<List<String>> sentences) {
        List<List<String>> out = new ArrayList<>();
        for (int s = 0; s < sentences.size(); s++) {
            List<String> rest = sentences.get(s);
            if (s == 0 && rest.size() > FIRST_CLAUSE_PHONEMES) {
                int cut = clauseEnd(rest, 8, rest.size() - 8);
                if (cut > 0) {
                    out.add(rest.subList(0, cut));
                    rest = rest.subList(cut, rest.size());
                }
            }
            while (rest.size() > MAX_SENTENCE_PHONEMES) {
                int cut = clauseEnd(rest, MAX_SENTENCE_PHONEMES / 4, MAX_SENTENCE_PHONEMES);
                if (cut <= 0) cut = lastSpace(rest, MAX_SENTENCE_PHONEMES);
                if (cut <= 0) cut = MAX_SENTENCE_PHONEMES;
                out.add(rest.subList(0, cut));
                rest = rest.subList(cut, rest.size());
            }
            if (!rest.isEmpty()) out.add(rest);
        }
        return out;
    }

    /** The index just after the first ", " ": " or "; " between from and to, or -1. */
    private static int clauseEnd(List<String> p, int from, int to) {
        for (int i = Math.max(1, from); i < Math.min(to, p.size() - 1); i++) {
            String c = p.get(i);
            if ((c.equals(",") || c.equals(":") || c.equals(";")) && p.get(i + 1).equals(" ")) return i + 2;
        }
        return -1;
    }

    private static int lastSpace(List<String> p, int before) {
        for (int i = Math.min(before, p.size()) - 1; i > 0; i--) if (p.get(i).equals(" ")) return i + 1;
        return -1;
    }

    /**
     * One model run: ids → float samples at the voice's rate, scaled to full range and clipped as
     * piper-tts does by default (normalize_audio).
     */
    public float[] audio(long[] ids, float lengthScale) {
        return audio(ids, config.noiseScale(), lengthScale, config.noiseW());
    }

    /** One model run with explicit scales (noise 0 makes the output deterministic, for comparisons). */
    public float[] audio(long[] ids, float noiseScale, float lengthScale, float noiseW) {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            in.put("input", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{1, ids.length}));
            in.put("input_lengths", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{ids.length}), new long[]{1}));
            in.put("scales", OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[]{noiseScale, lengthScale, noiseW}), new long[]{3}));
            if (config.numSpeakers() > 1) in.put("sid", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{0}), new long[]{1}));
            try (OrtSession.Result r = session.run(in)) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] audio = new float[fb.remaining()];
                fb.get(audio);
                float max = 0;
                for (float v : audio) max = Math.max(max, Math.abs(v));
                if (max < 1e-8f) return new float[audio.length];
                for (int i = 0; i < audio.length; i++) audio[i] = Math.max(-1f, Math.min(1f, audio[i] / max));
                return audio;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("Piper inference failed: " + e.getMessage(), e);
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
