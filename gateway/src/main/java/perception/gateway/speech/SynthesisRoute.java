package perception.gateway.speech;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.UUID;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusStream;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayContext;

/**
 * POST /v1/audio/speech, as OpenAI's: JSON {model, input, voice, response_format: wav|pcm, speed}.
 * {@code voice}: an OpenAI name speaks with the default voice (Piper en_US-joe-medium, FreeTTS kevin16
 * without it), or an installed voice by name ({@link Voices}).
 * The body streams sentence by sentence (chunked transfer), each sentence its own job, the next one
 * only once the client has read what is queued; pcm is raw 24 kHz 16-bit little-endian mono, wav the
 * same behind a header whose sizes say "unknown length". At most speech_max_seconds of audio.
 */
final class SynthesisRoute {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SynthesisRoute.class);
    static final int RATE = 24000;
    static final int MAX_INPUT = 4096;
    static final List<String> FORMATS = List.of("wav", "pcm");

    private final GatewayContext context;

    SynthesisRoute(GatewayContext context) {
        this.context = context;
    }

    void handle(RoutingContext ctx) {
        Buffer raw = ctx.body().buffer();
        Object parsed = raw == null || raw.length() == 0 ? null : io.vertx.core.json.Json.decodeValue(raw); // malformed -> DecodeException -> 400
        if (!(parsed instanceof JsonObject body)) throw ApiError.badRequest("invalid_request", "send a JSON body: {\"model\":\"tts-1\",\"input\":\"Hello\",\"voice\":\"alloy\"}");
        Object input = body.getValue("input");
        if (!(input instanceof String text) || text.isBlank()) throw ApiError.badParam("input", "'input' must be a non-empty string: the text to speak");
        if (text.length() > MAX_INPUT) throw ApiError.badParam("input", "'input' is " + text.length() + " characters; the limit is " + MAX_INPUT + ": split the text");
        if (body.containsKey("model") && !(body.getValue("model") instanceof String)) throw ApiError.badParam("model", "'model' must be a string, e.g. tts-1");
        if (body.containsKey("voice") && !(body.getValue("voice") instanceof String)) throw ApiError.badParam("voice", "'voice' must be a string, e.g. alloy (the default voice), " + String.join(", ", Voices.installed(context)));
        String voice = Voices.resolve(context, body.getString("voice"), "voice");
        Object f = body.getValue("response_format", "wav");
        if (!(f instanceof String format) || !FORMATS.contains(format)) {
            throw ApiError.badParam("response_format", "response_format must be wav or pcm (24 kHz 16-bit LE mono), got '" + f + "'");
        }
        Object s = body.getValue("speed", 1.0);
        if (!(s instanceof Number n) || !(n.doubleValue() >= 0.25 && n.doubleValue() <= 4.0)) {
            throw ApiError.badParam("speed", "speed must be a number from 0.25 to 4.0, got " + s);
        }
        double speed = ((Number) s).doubleValue();

        new Synthesis(ctx, format, speed, voice, pieces(text)).next();
    }

    /** Audio goes out in writes of at most this many bytes (a third of a second). */
    static final int WRITE_BYTES = 16 * 1024;

    /** The longest piece of text synthesised as one job: a "sentence" with no end (digit groups) is cut at spaces. */
    static final int MAX_PIECE = 240;

    /** The text as sentences (SentenceSplitter), none longer than {@link #MAX_PIECE} characters. */
    static List<String> pieces(String text) {
        perception.speech.SentenceSplitter splitter = new perception.speech.SentenceSplitter();
        List<String> sentences = new java.util.ArrayList<>(splitter.add(text));
        sentences.addAll(splitter.flush());
        List<String> out = new java.util.ArrayList<>();
        for (String sentence : sentences) {
            String rest = sentence.strip();
            while (rest.length() > MAX_PIECE) {
                int cut = rest.lastIndexOf(' ', MAX_PIECE);
                if (cut < MAX_PIECE / 2) cut = MAX_PIECE;
                out.add(rest.substring(0, cut).strip());
                rest = rest.substring(cut).strip();
            }
            if (!rest.isBlank()) out.add(rest);
        }
        return out;
    }

    /**
     * One request's synthesis, a sentence (piece) at a time, each its own job on the speech pool: the
     * next starts only once the client has taken what is queued for it (a client that reads nothing
     * for slow_consumer_s is cut off), so neither the synthesis nor the unread audio grows without
     * bound; at most speech_max_seconds of audio are made.
     */
    private final class Synthesis {
        private final RoutingContext ctx;
        private final HttpServerResponse response;
        private final String format;
        private final double speed;
        private final String voice;
        private final List<String> pieces;
        private final double maxSeconds = context.config().limit("speech_max_seconds");
        private final long slowMillis = context.config().limit("slow_consumer_s") * 1000;
        private int index;
        private long bytes;
        private BusStream call;
        private long busySince = -1;

        Synthesis(RoutingContext ctx, String format, double speed, String voice, List<String> pieces) {
            this.voice = voice;
            this.ctx = ctx;
            this.response = ctx.response();
            this.format = format;
            this.speed = speed;
            this.pieces = pieces;
            response.closeHandler(v -> {
                if (call != null) call.cancel(); // the synthesiser stops at its next sentence
            });
        }

        private String voiceHeader() {
            return voice == null ? "default" : voice;
        }

        private boolean gone() {
            return response.closed() || response.ended();
        }

        void next() {
            if (gone()) return;
            if (index >= pieces.size()) {
                finish();
                return;
            }
            double left = maxSeconds - bytes / (2.0 * RATE);
            if (left <= 0) {
                fail(SpeechVerticle.typed(new perception.speech.SpeechTooLongException(maxSeconds)));
                return;
            }
            JsonObject request = new JsonObject().put("input", pieces.get(index)).put("speed", speed).put("sample_rate", RATE);
            if (voice != null) request.put("voice", voice);
            request.put("max_seconds", left);
            call = BusStream.call(context.vertx(), SpeechFeature.SYNTHESIZE, UUID.randomUUID().toString(), request, null, piece -> {
                if (gone()) return;
                head();
                Buffer pcm = (Buffer) piece;
                bytes += pcm.length();
                // in slices: Vert.x bounds the output it queues for a slow client by count of writes, not bytes
                for (int i = 0; i < pcm.length(); i += WRITE_BYTES) response.write(pcm.slice(i, Math.min(pcm.length(), i + WRITE_BYTES)));
            });
            call.result().onComplete(r -> {
                if (gone()) return;
                if (r.failed()) {
                    ApiError e = TranscriptionRoute.toApiError(r.cause(), "input");
                    long now = System.currentTimeMillis();
                    if (e.status() == 503 && response.headWritten() && (busySince < 0 || now - busySince < 30_000)) {
                        // the pool is full between two sentences of a stream already playing: try again shortly
                        if (busySince < 0) busySince = now;
                        context.vertx().setTimer(250, t -> next());
                        return;
                    }
                    fail(e);
                    return;
                }
                busySince = -1;
                index++;
                if (!response.writeQueueFull()) {
                    next();
                    return;
                }
                // the client has not taken the audio so far: the next sentence waits for it
                long timer = context.vertx().setTimer(slowMillis, t -> {
                    if (gone()) return;
                    log.info("/v1/audio/speech: the client read none of its audio for {} s; closing", slowMillis / 1000);
                    response.reset();
                });
                response.drainHandler(v -> {
                    response.drainHandler(null);
                    context.vertx().cancelTimer(timer);
                    next();
                });
            });
        }

        private void head() {
            if (response.headWritten()) return;
            response.setChunked(true).putHeader("content-type", format.equals("wav") ? "audio/wav" : "audio/pcm").putHeader("x-voice", voiceHeader());
            if (format.equals("wav")) response.write(Buffer.buffer(streamingWavHeader(RATE)));
        }

        private void finish() {
            if (!response.headWritten()) {
                response.putHeader("content-type", format.equals("wav") ? "audio/wav" : "audio/pcm").putHeader("x-voice", voiceHeader())
                        .end(format.equals("wav") ? Buffer.buffer(streamingWavHeader(RATE)) : Buffer.buffer());
            } else {
                response.end();
            }
        }

        private void fail(Throwable cause) {
            if (cause instanceof ApiError e && "audio_too_long".equals(e.code())) {
                cause = SpeechVerticle.typed(new perception.speech.SpeechTooLongException(maxSeconds)); // the request's limit, not what was left of it
            }
            if (!response.headWritten()) {
                ErrorHandler.send(ctx, TranscriptionRoute.toApiError(cause, "input"));
            } else if (!response.closed()) {
                log.info("/v1/audio/speech: stopped after {} s of audio: {}", bytes / (2 * RATE), cause.getMessage());
                response.reset(); // the head is out; the only honest signal left is an aborted stream
            }
        }
    }

    /** A WAV header for a stream of unknown length: RIFF and data sizes 0xFFFFFFFF, as streaming encoders write. */
    static byte[] streamingWavHeader(int rate) {
        ByteBuffer b = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(-1).put("WAVE".getBytes())
                .put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
                .putShort((short) 2).putShort((short) 16)
                .put("data".getBytes()).putInt(-1);
        return b.array();
    }
}
