package perception.gateway.wyoming;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import perception.gateway.core.ApiError;
import perception.gateway.core.GatewayContext;
import perception.gateway.speech.SynthesisCall;
import perception.gateway.speech.SpeechVerticle;
import perception.gateway.speech.Voices;
import perception.speech.SentenceSplitter;

/**
 * Text to speech for one client, through the speech verticle ({@link SynthesisCall}): {@code synthesize}
 * answers audio-start, audio-chunks of {@link #SAMPLES_PER_CHUNK} samples (as wyoming-piper sends
 * them) and audio-stop, at the voice's own rate. The streaming form — synthesize-start,
 * synthesize-chunk..., synthesize-stop — speaks each sentence as soon as it is complete (one
 * audio-start/stop per sentence) and ends with synthesize-stopped; a plain {@code synthesize}
 * inside such a stream is the compatibility copy of the text and is ignored, as Piper does.
 */
final class OutgoingSpeech {
    /** FreeTTS's voice, asked for by name; the default voice is the gateway's (Piper en_US-joe-medium when installed). */
    static final String VOICE = Voices.KEVIN16;
    static final int SAMPLES_PER_CHUNK = 1024;
    static final int MAX_TEXT = 4096;
    static final int MAX_STREAM_TEXT = 16 * 1024;

    private final GatewayContext context;
    private final Vertx vertx;
    /** The voice of the request or stream in progress (resolved by {@link Voices}) and its own rate. */
    private String voice;
    private JsonObject format;
    private final Function<WyomingEvent, Future<Void>> out;
    private SentenceSplitter stream;   // non-null between synthesize-start and synthesize-stop
    private int streamed;
    private SynthesisCall synthesis;

    OutgoingSpeech(GatewayContext context, Function<WyomingEvent, Future<Void>> out) {
        this.context = context;
        this.vertx = context.vertx();
        this.out = out;
    }

    Future<Void> synthesize(JsonObject data) {
        if (stream != null) return Future.succeededFuture();
        voice(data.getValue("voice"));
        String text = text(data, MAX_TEXT);
        return out.apply(WyomingEvent.of("audio-start", format.copy()))
                .compose(v -> speak(text))
                .compose(v -> out.apply(WyomingEvent.of("audio-stop")));
    }

    Future<Void> start(JsonObject data) {
        voice(data.getValue("voice"));
        stream = new SentenceSplitter();
        streamed = 0;
        return Future.succeededFuture();
    }

    Future<Void> chunk(JsonObject data) {
        if (stream == null) throw ApiError.badRequest("unexpected_event", "synthesize-chunk before synthesize-start");
        String text = data.getValue("text") instanceof String s ? s : "";
        streamed += text.length();
        if (streamed > MAX_STREAM_TEXT) {
            throw ApiError.badRequest("text_too_long", "more than " + MAX_STREAM_TEXT + " characters in one synthesize stream: stop it and start another");
        }
        return sentences(stream.add(text));
    }

    Future<Void> stop() {
        if (stream == null) throw ApiError.badRequest("unexpected_event", "synthesize-stop before synthesize-start");
        List<String> rest = stream.flush();
        stream = null;
        return sentences(rest).compose(v -> out.apply(WyomingEvent.of("synthesize-stopped")));
    }

    void release() {
        if (synthesis != null) synthesis.cancel();
    }

    private Future<Void> sentences(List<String> sentences) {
        Future<Void> done = Future.succeededFuture();
        for (String s : sentences) {
            if (s.isBlank()) continue;
            done = done.compose(v -> out.apply(WyomingEvent.of("audio-start", format.copy())))
                    .compose(v -> speak(s))
                    .compose(v -> out.apply(WyomingEvent.of("audio-stop")));
        }
        return done;
    }

    /** Streams the audio of one text as audio-chunks; completes when the last one is written. */
    private Future<Void> speak(String text) {
        synthesis = new SynthesisCall(vertx);
        int bytes = SAMPLES_PER_CHUNK * 2;
        AtomicReference<Future<Void>> last = new AtomicReference<>(Future.succeededFuture());
        JsonObject f = format;
        return synthesis.synthesize(text, voice, f.getInteger("rate"), 1.0, pcm -> {
            for (int i = 0; i < pcm.length; i += bytes) {
                Buffer chunk = Buffer.buffer(Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + bytes)));
                last.set(out.apply(new WyomingEvent("audio-chunk", f.copy(), chunk)));
            }
        }).recover(e -> Future.failedFuture(SpeechVerticle.SENSE.toApiError(e))).compose(v -> last.get());
    }

    private static String text(JsonObject data, int max) {
        Object t = data.getValue("text");
        if (!(t instanceof String s) || s.isBlank()) throw ApiError.badRequest("invalid_text", "synthesize needs \"text\": a non-empty string to speak");
        if (s.length() > max) throw ApiError.badRequest("text_too_long", "the text is " + s.length() + " characters; the limit is " + max + ": split it");
        return s;
    }

    /**
     * The installed voices are served (US English: the Piper voices, kevin16); a request for another
     * voice or language is refused, as Piper refuses a voice it lacks. No name: the default voice.
     * Audio is at the voice's own rate (Piper medium 22,050 Hz, kevin16 16,000 Hz), as wyoming-piper sends it.
     */
    private void voice(Object v) {
        if (v != null && !(v instanceof JsonObject)) throw ApiError.badRequest("invalid_voice", "\"voice\" must be an object such as {\"name\":\"en_US-joe-medium\"}");
        JsonObject asked = v == null ? new JsonObject() : (JsonObject) v;
        Object name = asked.getValue("name");
        Object language = asked.getValue("language");
        if (language != null && !String.valueOf(language).toLowerCase(Locale.ROOT).startsWith("en")) {
            throw ApiError.badRequest("unsupported_language", "language '" + language + "' is not available: the voices speak English (en_US)");
        }
        String resolved;
        try {
            resolved = Voices.resolve(context, name == null ? null : String.valueOf(name), null);
        } catch (ApiError e) {
            throw ApiError.badRequest("unknown_voice", "voice '" + name + "' is not available: the voices are " + String.join(", ", Voices.installed(context)) + " (see describe)");
        }
        voice = resolved;
        format = new JsonObject().put("rate", Voices.rate(resolved)).put("width", 2).put("channels", 1);
    }
}
