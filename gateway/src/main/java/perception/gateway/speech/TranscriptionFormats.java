package perception.gateway.speech;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.Deflater;

/**
 * Renders a transcript (the {@code SpeechFeature.TRANSCRIBE} reply) in OpenAI's response formats: json,
 * text, verbose_json (segments = Vosk utterances, optional words), srt and vtt.
 */
final class TranscriptionFormats {
    static final List<String> FORMATS = List.of("json", "text", "verbose_json", "srt", "vtt");

    private TranscriptionFormats() {
    }

    record Rendered(String contentType, String body) {
    }

    static Rendered render(JsonObject transcript, String format, boolean segments, boolean words) {
        JsonArray utterances = transcript.getJsonArray("utterances");
        String text = text(utterances);
        return switch (format) {
            case "text" -> new Rendered("text/plain; charset=utf-8", text + "\n");
            case "srt" -> new Rendered("text/plain; charset=utf-8", subtitles(utterances, false));
            case "vtt" -> new Rendered("text/vtt; charset=utf-8", subtitles(utterances, true));
            case "verbose_json" -> new Rendered("application/json", verbose(transcript, text, segments, words).encode());
            default -> new Rendered("application/json", new JsonObject().put("text", text).encode());
        };
    }

    static String text(JsonArray utterances) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < utterances.size(); i++) {
            String t = utterances.getJsonObject(i).getString("text", "");
            if (t.isBlank()) continue;
            if (b.length() > 0) b.append(' ');
            b.append(t);
        }
        return b.toString();
    }

    private static JsonObject verbose(JsonObject transcript, String text, boolean withSegments, boolean withWords) {
        JsonObject o = new JsonObject().put("task", "transcribe").put("language", "english")
                .put("duration", transcript.getDouble("duration")).put("text", text);
        JsonArray utterances = transcript.getJsonArray("utterances");
        if (withSegments) {
            JsonArray segments = new JsonArray();
            for (int i = 0; i < utterances.size(); i++) {
                JsonObject u = utterances.getJsonObject(i);
                JsonArray ws = u.getJsonArray("result", new JsonArray());
                double logProb = 0;
                for (int k = 0; k < ws.size(); k++) logProb += Math.log(Math.max(1e-6, ws.getJsonObject(k).getDouble("conf", 1.0)));
                segments.add(new JsonObject().put("id", i).put("seek", 0)
                        .put("start", start(u)).put("end", end(u)).put("text", u.getString("text"))
                        .put("tokens", new JsonArray()).put("temperature", 0.0)
                        .put("avg_logprob", ws.isEmpty() ? 0.0 : SpeechJson.round(logProb / ws.size()))
                        .put("compression_ratio", compressionRatio(u.getString("text")))
                        // Vosk does not estimate it; segments only exist where speech was found
                        .put("no_speech_prob", 0.0));
            }
            o.put("segments", segments);
        }
        if (withWords) {
            JsonArray words = new JsonArray();
            for (int i = 0; i < utterances.size(); i++) {
                JsonArray ws = utterances.getJsonObject(i).getJsonArray("result", new JsonArray());
                for (int k = 0; k < ws.size(); k++) {
                    JsonObject w = ws.getJsonObject(k);
                    words.add(new JsonObject().put("word", w.getString("word")).put("start", w.getDouble("start")).put("end", w.getDouble("end")));
                }
            }
            o.put("words", words);
        }
        return o;
    }

    private static double start(JsonObject u) {
        JsonArray ws = u.getJsonArray("result", new JsonArray());
        return ws.isEmpty() ? 0 : ws.getJsonObject(0).getDouble("start");
    }

    private static double end(JsonObject u) {
        JsonArray ws = u.getJsonArray("result", new JsonArray());
        return ws.isEmpty() ? 0 : ws.getJsonObject(ws.size() - 1).getDouble("end");
    }

    /** As Whisper reports it: text bytes over zlib-compressed bytes. */
    private static double compressionRatio(String text) {
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        if (raw.length == 0) return 0;
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[256];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return SpeechJson.round(raw.length / (double) out.size());
    }

    private static String subtitles(JsonArray utterances, boolean vtt) {
        StringBuilder b = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        int n = 0;
        for (int i = 0; i < utterances.size(); i++) {
            JsonObject u = utterances.getJsonObject(i);
            if (u.getString("text", "").isBlank()) continue;
            n++;
            if (!vtt) b.append(n).append('\n');
            b.append(time(start(u), vtt)).append(" --> ").append(time(end(u), vtt)).append('\n')
                    .append(u.getString("text")).append("\n\n");
        }
        return b.toString();
    }

    static String time(double seconds, boolean vtt) {
        long ms = Math.round(seconds * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, vtt ? "." : ",", ms % 1000);
    }
}
