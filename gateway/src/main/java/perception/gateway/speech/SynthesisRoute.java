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
 * The body streams sentence by sentence as the voice makes it (chunked transfer); pcm is raw 24 kHz
 * 16-bit little-endian mono, wav the same behind a header whose sizes say "unknown length".
 */
final class SynthesisRoute {
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

        HttpServerResponse response = ctx.response();
        JsonObject request = new JsonObject().put("input", text).put("speed", speed).put("sample_rate", RATE);
        if (voice != null) request.put("voice", voice);
        String voiceHeader = voice == null ? "default" : voice;
        BusStream call = BusStream.call(context.vertx(), SpeechFeature.SYNTHESIZE, UUID.randomUUID().toString(), request, null, piece -> {
            if (response.closed() || response.ended()) return;
            if (!response.headWritten()) {
                response.setChunked(true).putHeader("content-type", format.equals("wav") ? "audio/wav" : "audio/pcm").putHeader("x-voice", voiceHeader);
                if (format.equals("wav")) response.write(Buffer.buffer(streamingWavHeader(RATE)));
            }
            response.write((Buffer) piece);
        });
        response.closeHandler(v -> call.cancel()); // the synthesiser stops at its next sentence
        call.result().onComplete(r -> {
            if (r.succeeded()) {
                if (!response.headWritten()) {
                    response.putHeader("content-type", format.equals("wav") ? "audio/wav" : "audio/pcm").putHeader("x-voice", voiceHeader)
                            .end(format.equals("wav") ? Buffer.buffer(streamingWavHeader(RATE)) : Buffer.buffer());
                } else if (!response.ended() && !response.closed()) {
                    response.end();
                }
            } else if (!response.headWritten()) {
                ErrorHandler.send(ctx, TranscriptionRoute.toApiError(r.cause(), "input"));
            } else if (!response.closed()) {
                response.reset(); // the head is out; the only honest signal left is an aborted stream
            }
        });
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
