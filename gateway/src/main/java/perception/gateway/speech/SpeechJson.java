package perception.gateway.speech;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import perception.speech.Hypothesis;
import perception.speech.Utterance;
import perception.speech.Word;

/** JSON shapes of recognition results: vosk-server's, and the transcript the bus carries. */
final class SpeechJson {
    private SpeechJson() {
    }

    /** vosk-server's answer to a chunk: {"partial": "..."} or {"result": [...], "text": "..."}. */
    static JsonObject vosk(Hypothesis h) {
        if (h instanceof Hypothesis.Partial p) return new JsonObject().put("partial", p.text());
        Utterance u = ((Hypothesis.Final) h).utterance();
        JsonObject o = new JsonObject();
        if (!u.words().isEmpty()) o.put("result", words(u.words(), true));
        return o.put("text", u.text());
    }

    static JsonArray words(List<Word> words, boolean confidence) {
        JsonArray a = new JsonArray();
        for (Word w : words) {
            JsonObject o = new JsonObject();
            if (confidence) o.put("conf", round(w.confidence()));
            o.put("end", round(w.end())).put("start", round(w.start())).put("word", w.word());
            a.add(o);
        }
        return a;
    }

    /** {duration, utterances: [{text, result: [...]}]}: what {@code SpeechFeature.TRANSCRIBE} replies. */
    static JsonObject transcript(List<Utterance> utterances, double duration, boolean words) {
        JsonArray us = new JsonArray();
        for (Utterance u : utterances) {
            JsonObject o = new JsonObject().put("text", u.text());
            if (words) o.put("result", words(u.words(), true));
            us.add(o);
        }
        return new JsonObject().put("duration", round(duration)).put("utterances", us);
    }

    static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
