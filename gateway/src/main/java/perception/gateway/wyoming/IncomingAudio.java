package perception.gateway.wyoming;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusSession;
import perception.gateway.core.GatewayContext;
import perception.gateway.speech.SpeechFeature;
import perception.gateway.speech.SpeechVerticle;

/**
 * One audio stream from a client (audio-start, audio-chunks, audio-stop), converted to 16 kHz mono
 * and either transcribed — after a {@code transcribe} request — or watched for voice activity.
 * <ul>
 * <li>Transcribe: a streaming recognition session on the bus. transcript-start when audio starts, a
 *     transcript-chunk each time the recogniser ends an utterance (chunks concatenate to the whole
 *     text), then at audio-stop the last chunk, {@code transcript} and transcript-stop.
 * <li>Detect: a turn session (Silero VAD) on the bus; voice-started / voice-stopped with the
 *     stream time in milliseconds as {@code timestamp}.
 * </ul>
 * At most {@link #MAX_SECONDS} of audio per stream. Calls come one at a time, in event order.
 */
final class IncomingAudio {
    static final int MAX_SECONDS = 120;

    private final GatewayContext context;
    private final boolean transcribe;
    private final BusSession session;
    private final Function<WyomingEvent, Future<Void>> out;
    private final AudioConverter converter = new AudioConverter();
    private final StringBuilder text = new StringBuilder();
    private boolean started;
    private boolean speaking;

    private IncomingAudio(GatewayContext context, boolean transcribe, BusSession session, Function<WyomingEvent, Future<Void>> out) {
        this.context = context;
        this.transcribe = transcribe;
        this.session = session;
        this.out = out;
    }

    static IncomingAudio transcription(GatewayContext context, Function<WyomingEvent, Future<Void>> out) {
        return new IncomingAudio(context, true, new BusSession(context.vertx(), SpeechFeature.TRANSCRIBE_STREAM_OPEN,
                new JsonObject().put("sample_rate", AudioConverter.RATE).put("words", false)), out);
    }

    static IncomingAudio voiceActivity(GatewayContext context, Function<WyomingEvent, Future<Void>> out) {
        // voice-stopped comes from the same detector as the default /v1/realtime session: the turn model when
        // turn_model_default_session is set and it is loaded (its threshold and longest silence are the gateway's
        // settings), else a 500 ms silence
        JsonObject open = new JsonObject().put("vad", true).put("threshold", 0.5).put("prefix_padding_ms", 300).put("silence_duration_ms", 500);
        if (context.config().turnModel() && context.config().turnModelDefaultSession()) open.put("turn_model", new JsonObject());
        return new IncomingAudio(context, false, new BusSession(context.vertx(), SpeechFeature.TURNS_OPEN, open), out);
    }

    boolean transcribing() {
        return transcribe;
    }

    Future<Void> start() {
        if (started) return Future.succeededFuture();
        started = true;
        return transcribe ? out.apply(WyomingEvent.of("transcript-start", new JsonObject().put("language", "en"))) : Future.succeededFuture();
    }

    Future<Void> chunk(AudioConverter.Format format, Buffer payload) {
        double seconds = converter.seconds() + (payload == null ? 0 : payload.length() / (double) format.frameBytes() / format.rate());
        if (seconds > MAX_SECONDS) {
            throw ApiError.badRequest("audio_too_long", "more than " + MAX_SECONDS + " s of audio in one stream: send audio-stop and start a new request");
        }
        // resampling a 1 MiB chunk takes milliseconds: off the event loop (chunks are converted one at a time, in order)
        var busy = context.overloaded("wyoming"); // a full pool refuses the chunk (error, then close) instead of queueing it
        if (busy != null) throw busy;
        Future<byte[]> pcm = context.run("wyoming", () -> converter.convert(format, payload == null ? new byte[0] : payload.getBytes()));
        return start().compose(v -> pcm).compose(this::feed);
    }

    Future<Void> stop() {
        byte[] tail = converter.flush();
        return start().compose(v -> feed(tail)).compose(v -> transcribe ? finishTranscript() : finishDetection());
    }

    /** Frees the bus session; safe to call more than once. */
    void release() {
        session.close();
    }

    private Future<Void> feed(byte[] pcm) {
        if (pcm.length == 0) return Future.succeededFuture();
        return ask(Buffer.buffer(pcm))
                .compose(reply -> transcribe ? segment(reply.getString("text")) : voice(reply.getJsonArray("events", new JsonArray())));
    }

    private Future<JsonObject> ask(Object body) {
        return session.request(body).recover(e -> Future.failedFuture(SpeechVerticle.SENSE.toApiError(e)));
    }

    /** A final result of the recogniser: one more piece of the transcript. */
    private Future<Void> segment(String words) {
        if (words == null || words.isBlank()) return Future.succeededFuture();
        String piece = text.length() == 0 ? words.trim() : " " + words.trim();
        text.append(piece);
        return out.apply(WyomingEvent.of("transcript-chunk", new JsonObject().put("text", piece)));
    }

    private Future<Void> finishTranscript() {
        Future<Void> last = !session.opened() ? Future.succeededFuture()
                : ask(new JsonObject().put("eof", 1)).compose(r -> segment(r.getString("text")));
        return last.compose(v -> out.apply(WyomingEvent.of("transcript", new JsonObject().put("text", text.toString()).put("language", "en"))))
                .compose(v -> out.apply(WyomingEvent.of("transcript-stop")))
                .eventually(() -> {
                    release();
                    return Future.succeededFuture();
                });
    }

    private Future<Void> voice(JsonArray events) {
        Future<Void> sent = Future.succeededFuture();
        for (Object o : events) {
            JsonObject e = (JsonObject) o;
            String type = switch (e.getString("type", "")) {
                case "speech_started" -> "voice-started";
                case "speech_stopped" -> "voice-stopped";
                default -> null; // partial and final text: this stream asked for voice activity only
            };
            if (type == null) continue;
            speaking = type.equals("voice-started");
            JsonObject data = new JsonObject().put("timestamp", e.getLong("audio_ms", 0L));
            sent = sent.compose(v -> out.apply(WyomingEvent.of(type, data)));
        }
        return sent;
    }

    private Future<Void> finishDetection() {
        Future<Void> sent = Future.succeededFuture();
        if (speaking) { // the stream ended mid-speech: the voice stopped with it
            speaking = false;
            sent = out.apply(WyomingEvent.of("voice-stopped", new JsonObject().put("timestamp", Math.round(converter.seconds() * 1000))));
        }
        release();
        return sent;
    }
}
