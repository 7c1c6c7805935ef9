package perception.gateway.wyoming;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;
import perception.gateway.core.GatewayContext;
import perception.gateway.llm.GenerationCall;

/**
 * One Wyoming client. Events are handled strictly in arrival order (a queue of futures; the
 * socket is paused while it is long), so audio reaches the recogniser in order and answers leave
 * in order. A malformed frame or a failed speech request gets an {@code error} event and the
 * connection is closed — Home Assistant waits for a transcript or audio-stop and ignores errors,
 * so the close is what ends its wait. Conversation failures are answered {@code not-handled} and
 * the connection stays open. Every bus session and generation is freed when the socket closes.
 */
final class WyomingConnection {
    private static final Logger log = LoggerFactory.getLogger(WyomingConnection.class);
    static final int MAX_QUEUED = 32;
    static final int MAX_HANDLE_TEXT = 4096;
    /** How long a connection that failed keeps draining the client's bytes before it closes. */
    static final long LINGER_MS = 500;
    static final String INSTRUCTIONS = "You are a helpful voice assistant. Answer briefly, in plain spoken English.";

    private final GatewayContext context;
    private final NetSocket socket;
    private final FrameReader reader;
    private final OutgoingSpeech speech;
    private Future<?> tail = Future.succeededFuture();
    private int queued;
    private boolean closed;
    private boolean transcribeNext;   // a transcribe request came: the next audio stream is for it
    private IncomingAudio audio;      // the audio stream in progress, if any
    private GenerationCall generation;

    WyomingConnection(GatewayContext context, NetSocket socket) {
        this.context = context;
        this.socket = socket;
        this.reader = new FrameReader(this::enqueue, this::fail);
        this.speech = new OutgoingSpeech(context, this::send);
    }

    void start(Runnable onClose) {
        socket.handler(reader::feed);
        socket.exceptionHandler(e -> log.debug("wyoming client {}: {}", socket.remoteAddress(), e.toString()));
        socket.closeHandler(v -> {
            closed = true;
            release();
            onClose.run();
        });
    }

    NetSocket socket() {
        return socket;
    }

    private void enqueue(WyomingEvent event) {
        if (++queued > MAX_QUEUED) socket.pause();
        tail = tail.transform(x -> closed ? Future.succeededFuture() : dispatch(event))
                .transform(r -> {
                    if (r.failed() && !closed) fail(r.cause());
                    if (--queued <= MAX_QUEUED / 2) socket.resume();
                    return Future.succeededFuture();
                });
    }

    private Future<?> dispatch(WyomingEvent e) {
        JsonObject d = e.data();
        try {
            return switch (e.type()) {
                case "describe" -> send(WyomingEvent.of("info", WyomingInfo.info(context)));
                case "ping" -> send(WyomingEvent.of("pong", d.getValue("text") instanceof String t ? new JsonObject().put("text", t) : null));
                case "transcribe" -> transcribe(d);
                case "audio-start" -> audioStream().start();
                case "audio-chunk" -> audioStream().chunk(AudioConverter.Format.of(d), e.payload());
                case "audio-stop" -> audioStop();
                case "synthesize" -> speech.synthesize(d);
                case "synthesize-start" -> speech.start(d);
                case "synthesize-chunk" -> speech.chunk(d);
                case "synthesize-stop" -> speech.stop();
                case "transcript" -> handle(d);
                case "recognize" -> send(WyomingEvent.of("not-recognized", reply(d, "This gateway has no intent recognizer. "
                        + "Send the text as a transcript event and the assistant will handle it.")));
                case "intent" -> send(WyomingEvent.of("not-handled", reply(d, "Structured intents are not handled here: "
                        + "send the text as a transcript event.")));
                case "detect" -> Future.failedFuture(ApiError.badRequest("unsupported", "this gateway has no wake word detection (describe lists no wake service)"));
                default -> {
                    log.debug("wyoming client {}: ignoring event {}", socket.remoteAddress(), e.type());
                    yield Future.succeededFuture(); // unknown events are skipped, as Wyoming services do
                }
            };
        } catch (ApiError | IllegalArgumentException | ClassCastException ex) {
            return Future.failedFuture(ex);
        }
    }

    private Future<Void> transcribe(JsonObject d) {
        Object language = d.getValue("language");
        if (language != null && !String.valueOf(language).toLowerCase(Locale.ROOT).startsWith("en")) {
            throw ApiError.badRequest("unsupported_language", "language '" + language + "' is not available: the loaded Vosk model is English (en)");
        }
        if (audio != null) throw ApiError.badRequest("unexpected_event", "transcribe while an audio stream is open: send audio-stop first");
        transcribeNext = true;
        return Future.succeededFuture();
    }

    /** The stream audio belongs to, started implicitly by a chunk without audio-start (the voice activity flow allows it). */
    private IncomingAudio audioStream() {
        if (audio == null) {
            audio = transcribeNext ? IncomingAudio.transcription(context, this::send) : IncomingAudio.voiceActivity(context, this::send);
            transcribeNext = false;
        }
        return audio;
    }

    private Future<Void> audioStop() {
        if (audio == null && !transcribeNext) return Future.succeededFuture(); // no stream: nothing to end
        IncomingAudio a = audioStream();
        audio = null;
        return a.stop();
    }

    /** A transcript to act on: the assistant (built-in skills or the LLM) answers through LlmFeature.GENERATE. */
    private Future<Void> handle(JsonObject d) {
        Object t = d.getValue("text");
        if (!(t instanceof String text) || text.isBlank()) return send(WyomingEvent.of("not-handled", reply(d, "There was no text to handle.")));
        if (text.length() > MAX_HANDLE_TEXT) {
            return send(WyomingEvent.of("not-handled", reply(d, "The text is " + text.length() + " characters; the limit is " + MAX_HANDLE_TEXT + ".")));
        }
        JsonArray messages = new JsonArray().add(message("system", INSTRUCTIONS)).add(message("user", text));
        StringBuilder answer = new StringBuilder();
        generation = new GenerationCall(context.vertx());
        return generation.generate(new JsonObject().put("messages", messages).put("max_tokens", 256), answer::append)
                .transform(r -> {
                    generation = null;
                    if (r.failed()) return send(WyomingEvent.of("not-handled", reply(d, String.valueOf(r.cause().getMessage()))));
                    String said = answer.length() > 0 ? answer.toString() : r.result().getString("text", "");
                    return send(WyomingEvent.of("handled", reply(d, said.trim())));
                });
    }

    /** {text} plus the request's context, which Home Assistant uses to carry its conversation id. */
    private static JsonObject reply(JsonObject request, String text) {
        JsonObject data = new JsonObject().put("text", text);
        if (request.getValue("context") instanceof JsonObject c) data.put("context", c);
        return data;
    }

    private static JsonObject message(String role, String text) {
        return new JsonObject().put("role", role).put("parts", new JsonArray().add(new JsonObject().put("text", text)));
    }

    Future<Void> send(WyomingEvent event) {
        if (closed) return Future.succeededFuture();
        return socket.write(event.encode());
    }

    /** Sends an error event and closes: for malformed frames and failed speech requests. */
    private void fail(Throwable cause) {
        if (closed) return;
        ApiError error = cause instanceof ApiError a ? a
                : cause instanceof IllegalArgumentException || cause instanceof ClassCastException
                        ? ApiError.badRequest("invalid_request", String.valueOf(cause.getMessage()))
                        : ApiError.internal("internal error: " + cause.getClass().getSimpleName() + "; the gateway log has the details");
        if (error.status() >= 500) log.warn("wyoming client {}: {}", socket.remoteAddress(), error.getMessage(), cause);
        else log.debug("wyoming client {}: {} {}", socket.remoteAddress(), error.code(), error.getMessage());
        Buffer frame = WyomingEvent.of("error", new JsonObject().put("text", error.getMessage()).put("code", error.code())).encode();
        closed = true;
        release();
        // Read and drop what the client is still sending before closing: closing with unread bytes
        // makes TCP reset the connection, and a reset can destroy the error before the client reads it.
        socket.handler(ignored -> { });
        socket.resume();
        socket.write(frame).onComplete(w -> context.vertx().setTimer(LINGER_MS, t -> socket.close()));
    }

    private void release() {
        if (audio != null) audio.release();
        audio = null;
        speech.release();
        if (generation != null) generation.cancel();
        generation = null;
    }
}
