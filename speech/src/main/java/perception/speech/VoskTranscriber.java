package perception.speech;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import org.vosk.Recognizer;

/** Vosk (Kaldi) recognition: one shared {@link Model}, one {@link Recognizer} per session. */
public final class VoskTranscriber implements Transcriber {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Model model;
    private final String name;

    private VoskTranscriber(Model model, String name) {
        this.model = model;
        this.name = name;
    }

    /** Loads the model folder (am/, conf/, graph/, ivector/). */
    public static VoskTranscriber load(Path dir) throws IOException {
        if (!Files.isDirectory(dir.resolve("am"))) {
            throw new IOException("no Vosk model in " + dir + ": run ./run-gateway models fetch vosk-en");
        }
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        return new VoskTranscriber(new Model(dir.toString()), dir.getFileName().toString());
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public TranscriptionSession open(int sampleRate, boolean words) {
        if (sampleRate < 8000 || sampleRate > 48000) {
            throw new IllegalArgumentException("sample_rate must be between 8000 and 48000 Hz, got " + sampleRate);
        }
        try {
            Recognizer r = new Recognizer(model, sampleRate);
            r.setWords(words);
            return new Session(r, sampleRate);
        } catch (IOException e) {
            throw new IllegalStateException("Vosk could not create a recognizer: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    /** Parses Vosk's final-result JSON: {"text":..., "result":[{"word","start","end","conf"}]}. */
    static Utterance parseFinal(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            List<Word> words = new ArrayList<>();
            for (JsonNode w : n.path("result")) {
                words.add(new Word(w.path("word").asText(), w.path("start").asDouble(), w.path("end").asDouble(), w.path("conf").asDouble(1.0)));
            }
            return new Utterance(n.path("text").asText(""), words);
        } catch (IOException e) {
            throw new IllegalStateException("Vosk returned unreadable JSON: " + json, e);
        }
    }

    static String parsePartial(String json) {
        try {
            return JSON.readTree(json).path("partial").asText("");
        } catch (IOException e) {
            throw new IllegalStateException("Vosk returned unreadable JSON: " + json, e);
        }
    }

    private static final class Session implements TranscriptionSession {
        private final Recognizer recognizer;
        private final int sampleRate;
        private long bytesFed;
        private boolean closed;

        Session(Recognizer recognizer, int sampleRate) {
            this.recognizer = recognizer;
            this.sampleRate = sampleRate;
        }

        @Override
        public int sampleRate() {
            return sampleRate;
        }

        @Override
        public synchronized Hypothesis feed(byte[] pcm, int offset, int length) {
            check();
            if ((length & 1) != 0) throw new AudioFormatException("PCM16 chunk has an odd number of bytes (" + length + ")");
            byte[] data = offset == 0 && length == pcm.length ? pcm : java.util.Arrays.copyOfRange(pcm, offset, offset + length);
            bytesFed += length;
            if (recognizer.acceptWaveForm(data, length)) return new Hypothesis.Final(parseFinal(recognizer.getResult()));
            return new Hypothesis.Partial(parsePartial(recognizer.getPartialResult()));
        }

        @Override
        public synchronized Utterance finish() {
            check();
            return parseFinal(recognizer.getFinalResult());
        }

        @Override
        public synchronized double secondsFed() {
            return bytesFed / 2.0 / sampleRate;
        }

        @Override
        public synchronized void close() {
            if (closed) return;
            closed = true;
            recognizer.close();
        }

        private void check() {
            if (closed) throw new SessionClosedException("the transcription session is closed");
        }
    }
}
