package perception.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.BusSession;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.SerialQueue;
import perception.gateway.core.SocketGuard;
import perception.gateway.speech.SpeechFeature;
import perception.speech.Pcm16;
import perception.speech.Resampler;

/**
 * One client of GET /v1/realtime, speaking OpenAI's Realtime event protocol. Audio in is resampled
 * to 16 kHz and sent to a turn-detection session of the speech verticle (Silero VAD + streaming
 * Vosk), in order; when the user pauses, the answer starts speculatively ({@link EarlyAnswer}),
 * is dropped if they go on and released when the turn ends; a turn's transcript becomes a user item
 * and, with server VAD, a response: the LLM streams text, a sentence splitter hands each sentence to TTS, and the audio
 * goes out paced. Speech that starts during a response cancels it (barge-in). All state lives on
 * this socket's event loop; models are reached through the event bus only.
 */
final class RealtimeSession {
    private static final Logger log = LoggerFactory.getLogger(RealtimeSession.class);
    /** OpenAI's own limit for one input_audio_buffer.append. */
    static final int MAX_APPEND_BYTES = 15 * 1024 * 1024;
    /** History kept for the model, in items (the LLM side trims further to its token budget). */
    static final int MAX_HISTORY_ITEMS = 40;
    /** Audio frames waiting for the turn detector before the socket is paused. */
    private static final int MAX_AUDIO_QUEUE = 16;

    private final GatewayContext context;
    private final ServerWebSocket ws;
    private final SocketGuard guard;
    private final String sessionId = RealtimeEvents.id("sess");
    private SessionConfig config = new SessionConfig();
    private final Conversation conversation;
    private final RealtimeMetrics metrics;

    private BusSession turns;             // the turn-detection session, opened with the first audio
    /** Audio, commits, clears and responses after them, in the order the client sent them. */
    private final SerialQueue audio = new SerialQueue();
    private Future<Buffer> decodeTail = Future.succeededFuture(); // appends being decoded on a worker, in order
    private double heardSeconds;          // input audio received in this session, for realtime_max_session_seconds
    private Resampler resampler;
    private String userItemId;            // the user item being spoken, between speech_started and final
    private String lastTranscriptDelta = "";
    private long speechStoppedNanos;
    private long speechEndNanos;
    private final AudioArrivals arrivals = new AudioArrivals();
    private final EarlyAnswer early = new EarlyAnswer();
    private Response response;            // the response in progress, or null
    private boolean closed;

    RealtimeSession(GatewayContext context, ServerWebSocket ws) {
        this.context = context;
        this.ws = ws;
        this.guard = SocketGuard.attach(context, ws);
        this.conversation = new Conversation(MAX_HISTORY_ITEMS).maxItemChars(context.config().limit("realtime_max_item_kb") * 1024);
        this.metrics = RealtimeMetrics.of(context.meters());
    }

    void start() {
        ws.textMessageHandler(this::onText);
        ws.binaryMessageHandler(b -> send(RealtimeEvents.error("binary_not_supported",
                "binary frames are not part of the Realtime protocol: send input_audio_buffer.append with base64 audio", null)));
        ws.closeHandler(v -> close());
        send(RealtimeEvents.event("session.created").put("session", config.toJson(sessionId)));
    }

    // ---- client events ----

    private void onText(String text) {
        if (closed) return;
        JsonObject event;
        try {
            event = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            send(RealtimeEvents.error("invalid_json", "events must be JSON objects with a \"type\"", null));
            return;
        }
        String eventId = event.getValue("event_id") instanceof String s ? SocketGuard.clip(s) : null;
        if (!(event.getValue("type") instanceof String type)) {
            send(RealtimeEvents.error("missing_type", "the event has no \"type\"", eventId));
            return;
        }
        try {
            switch (type) {
                case "session.update" -> sessionUpdate(event);
                case "input_audio_buffer.append" -> append(event, eventId);
                case "input_audio_buffer.commit" -> commit(eventId);
                case "input_audio_buffer.clear" -> clear();
                case "conversation.item.create" -> itemCreate(event);
                case "response.create" -> responseCreate(event, eventId);
                case "response.cancel" -> responseCancel(eventId);
                default -> send(RealtimeEvents.error("unknown_event", "unknown event type '" + SocketGuard.clip(type) + "'", eventId));
            }
        } catch (IllegalArgumentException e) {
            send(RealtimeEvents.error("invalid_value", e.getMessage(), eventId));
        }
    }

    private void sessionUpdate(JsonObject event) {
        if (!(event.getValue("session") instanceof JsonObject s)) throw new IllegalArgumentException("session.update needs a \"session\" object");
        SessionConfig next = config.copy();
        boolean turnsChanged = next.apply(s); // throws before anything changed
        config = next;
        if (turnsChanged) {
            resampler = null;
            closeTurns();
        }
        send(RealtimeEvents.event("session.updated").put("session", config.toJson(sessionId)));
    }

    private void append(JsonObject event, String eventId) {
        if (!(event.getValue("audio") instanceof String b64)) throw new IllegalArgumentException("input_audio_buffer.append needs \"audio\": base64 PCM16");
        if (b64.length() > MAX_APPEND_BYTES * 4 / 3 + 4) throw new IllegalArgumentException("one append may carry at most 15 MB of audio");
        if (b64.isEmpty()) return;
        long received = System.nanoTime();
        if (resampler == null) resampler = new Resampler(config.inputRate, 16000);
        Resampler r = resampler; // a session.update may replace it; this chunk belongs to the one in use now
        // Decoding and resampling (up to 15 MB) run on a worker, one chunk after another (the resampler
        // carries state between chunks), while the event loop goes on; the turn detector still gets them in order.
        Future<Buffer> decoded = decodeTail.transform(x -> context.vertx().executeBlocking(() -> decode(b64, r), false));
        decodeTail = decoded;
        if (audio.pending() >= MAX_AUDIO_QUEUE) ws.pause(); // the client sends faster than we recognise
        audio.enqueue(() -> decoded.transform(d -> {
            if (d.failed()) {
                send(RealtimeEvents.error("invalid_audio", d.cause().getMessage(), eventId));
                return Future.succeededFuture();
            }
            Buffer chunk = d.result();
            if (closed || chunk == null) return Future.succeededFuture();
            heardSeconds += chunk.length() / 2 / 16000.0;
            long perSession = context.config().limit("realtime_max_session_seconds");
            if (heardSeconds > perSession) {
                // work per session is bounded in seconds of audio, not only bytes per message
                send(RealtimeEvents.error("session_too_long", "this session has sent more than " + perSession
                        + " s of audio (setting realtime_max_session_seconds): open a new session", eventId));
                if (!ws.isClosed()) ws.close(SocketGuard.POLICY, "session_too_long"); // its close handler cleans up
                return Future.succeededFuture();
            }
            arrivals.received(chunk.length() / 2, received);
            return turnRequest(chunk).onSuccess(this::onTurnEvents).recover(e -> {
                send(RealtimeEvents.error("transcription_failed", String.valueOf(e.getMessage()), eventId));
                return Future.succeededFuture();
            });
        })).onComplete(x -> {
            if (audio.pending() <= MAX_AUDIO_QUEUE / 2) ws.resume();
        });
    }

    /** Base64 PCM16 at the session's input rate → PCM16 at 16 kHz (null for no audio); runs on a worker. */
    private static Buffer decode(String b64, Resampler resampler) {
        byte[] pcm;
        try {
            pcm = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new AudioRefused("\"audio\" is not valid base64");
        }
        if (pcm.length % 2 != 0) throw new AudioRefused("PCM16 audio needs an even number of bytes, got " + pcm.length);
        if (pcm.length == 0) return null;
        float[] at16k = resampler.process(Pcm16.decode(pcm, 0, pcm.length));
        return Buffer.buffer(Pcm16.encode(at16k, 0, at16k.length));
    }

    /** An append whose audio cannot be used: the client gets an invalid_audio error, the session carries on. */
    private static final class AudioRefused extends RuntimeException {
        AudioRefused(String message) {
            super(message, null, false, false);
        }
    }

    private void commit(String eventId) {
        audio.enqueue(() -> {
            if (turns == null) {
                send(RealtimeEvents.error("input_audio_buffer_commit_empty", "nothing to commit: append audio first", eventId));
                return Future.succeededFuture();
            }
            if (userItemId == null) userItemId = RealtimeEvents.id("item");
            speechStoppedNanos = System.nanoTime();
            speechEndNanos = 0;
            committed();
            return turnRequest(new JsonObject().put("commit", 1)).onSuccess(this::onTurnEvents);
        });
    }

    private void clear() {
        audio.enqueue(() -> (turns == null ? Future.succeededFuture() : turnRequest(new JsonObject().put("clear", 1)))
                .onComplete(r -> {
                    early.drop();
                    userItemId = null;
                    send(RealtimeEvents.event("input_audio_buffer.cleared"));
                }));
    }

    private void itemCreate(JsonObject event) {
        if (!(event.getValue("item") instanceof JsonObject item)) throw new IllegalArgumentException("conversation.item.create needs an \"item\" object");
        JsonObject created = conversation.addClientItem(item);
        send(RealtimeEvents.event("conversation.item.created").put("previous_item_id", conversation.previousId(created)).put("item", created));
    }

    private void responseCreate(JsonObject event, String eventId) {
        JsonObject overrides = event.getValue("response") instanceof JsonObject r ? r : new JsonObject();
        // after the audio already sent: a commit just before must have its transcript in the conversation
        audio.enqueue(() -> {
            if (response != null) {
                send(RealtimeEvents.error("conversation_already_has_active_response", "a response is in progress: cancel it first", eventId));
            } else if (!closed) {
                startResponse(overrides);
            }
            return Future.succeededFuture();
        });
    }

    private void responseCancel(String eventId) {
        if (response == null) {
            send(RealtimeEvents.error("response_cancel_not_active", "no response is in progress", eventId));
            return;
        }
        response.cancel("client_cancelled");
    }

    // ---- turns (VAD + recognition, in the speech verticle) ----

    private Future<JsonObject> turnRequest(Object body) {
        if (turns == null) {
            int[] windows = config.silenceWindows();
            turns = new BusSession(context.vertx(), SpeechFeature.TURNS_OPEN, new JsonObject()
                    .put("vad", config.serverVad).put("threshold", config.threshold).put("prefix_padding_ms", config.prefixPaddingMs)
                    .put("complete_silence_ms", windows[0]).put("other_silence_ms", windows[1]).put("silence_duration_ms", windows[2])
                    .put("turn_model", config.turnModel(context.config())));
        }
        return turns.request(body);
    }

    private void onTurnEvents(JsonObject reply) {
        for (Object o : reply.getJsonArray("events", new JsonArray())) {
            JsonObject e = (JsonObject) o;
            switch (e.getString("type")) {
                case "speech_started" -> speechStarted(e.getLong("audio_ms"));
                case "partial" -> partial(e.getString("text"));
                case "pause" -> paused(e.getString("text"));
                case "resumed" -> early.drop(); // the user goes on: nothing of that answer was sent
                case "speech_stopped" -> {
                    speechStoppedNanos = System.nanoTime();
                    speechEndNanos = arrivals.nanosAt(e.getLong("speech_end_ms", e.getLong("audio_ms")));
                    metrics.speechStopped(new TurnTimes(speechEndNanos, speechStoppedNanos, 0));
                    send(RealtimeEvents.event("input_audio_buffer.speech_stopped").put("audio_end_ms", e.getLong("audio_ms")).put("item_id", userItemId));
                    committed();
                }
                case "final" -> transcribed(e.getString("text"));
                case "judged" -> metrics.turnJudged(e.getDouble("cost_ms", 0.0), e.getBoolean("complete", false));
                default -> log.warn("unknown turn event {}", e);
            }
        }
    }

    private void speechStarted(long audioMs) {
        early.drop();
        userItemId = RealtimeEvents.id("item");
        lastTranscriptDelta = "";
        if (response != null && config.interruptResponse) response.cancel("turn_detected"); // barge-in
        send(RealtimeEvents.event("input_audio_buffer.speech_started").put("audio_start_ms", audioMs).put("item_id", userItemId));
    }

    private void partial(String text) {
        if (userItemId == null) return;
        // deltas append; a partial that revises earlier words is left to the completed event
        if (text.startsWith(lastTranscriptDelta) && text.length() > lastTranscriptDelta.length()) {
            send(RealtimeEvents.event("conversation.item.input_audio_transcription.delta").put("item_id", userItemId)
                    .put("content_index", 0).put("delta", text.substring(lastTranscriptDelta.length())));
            lastTranscriptDelta = text;
        }
    }

    private void committed() {
        String previous = conversation.lastId();
        send(RealtimeEvents.event("input_audio_buffer.committed").put("previous_item_id", previous).put("item_id", userItemId));
        send(RealtimeEvents.event("conversation.item.created").put("previous_item_id", previous)
                .put("item", RealtimeEvents.userAudioItem(userItemId, null)));
    }

    /** The user went quiet and recognition is final so far: start answering, held until the turn is over. */
    private void paused(String soFar) {
        early.drop();
        if (!config.serverVad || !config.createResponse || soFar.isBlank() || response != null || closed) return;
        JsonArray messages = conversation.toMessages(config.instructions, VideoLink.describe(context, config.videoSession))
                .add(new JsonObject().put("role", "user").put("parts", new JsonArray().add(new JsonObject().put("text", soFar))));
        early.start(soFar, new Response(context, this, messages, config.audioOut(), config, null));
    }

    private void transcribed(String transcript) {
        String itemId = userItemId == null ? RealtimeEvents.id("item") : userItemId;
        userItemId = null;
        lastTranscriptDelta = "";
        TurnTimes times = new TurnTimes(speechEndNanos, speechStoppedNanos, System.nanoTime());
        speechEndNanos = 0;
        metrics.transcript(times);
        send(RealtimeEvents.event("conversation.item.input_audio_transcription.completed").put("item_id", itemId)
                .put("content_index", 0).put("transcript", transcript));
        Response ready = early.take(transcript);
        if (transcript.isBlank()) return; // a cough or a click: nothing to answer
        conversation.addUserTranscript(itemId, transcript);
        if (config.serverVad && config.createResponse) {
            if (response != null) response.cancel("turn_detected");
            if (ready != null) {
                response = ready;
                ready.release(times);
            } else {
                startResponse(new JsonObject(), times);
            }
        } else if (ready != null) {
            ready.drop();
        }
    }

    // ---- responses ----

    private void startResponse(JsonObject overrides) {
        startResponse(overrides, TurnTimes.now());
    }

    private void startResponse(JsonObject overrides, TurnTimes times) {
        boolean audio = overrides.getValue("output_modalities") instanceof JsonArray m ? m.contains("audio") : config.audioOut();
        String instructions = overrides.getValue("instructions") instanceof String s ? s : config.instructions;
        JsonArray messages = conversation.toMessages(instructions, VideoLink.describe(context, config.videoSession));
        response = new Response(context, this, messages, audio, config, times);
        response.start();
    }

    /** Called by the response when it has ended, whatever the reason. */
    void responseEnded(Response r, String assistantText) {
        if (response == r) response = null;
        if (!assistantText.isBlank()) conversation.addAssistant(r.itemId(), assistantText);
    }

    Conversation conversation() {
        return conversation;
    }

    RealtimeMetrics metrics() {
        return metrics;
    }

    boolean writeQueueFull() {
        return guard.writeQueueFull();
    }

    void onDrain(Runnable r) {
        guard.onDrain(r);
    }

    void send(JsonObject event) {
        if (closed || ws.isClosed()) return;
        ws.writeTextMessage(event.encode());
        guard.wrote();
    }

    private void close() {
        if (closed) return;
        closed = true;
        if (response != null) response.cancel("client_disconnected");
        early.drop();
        closeTurns();
    }

    private void closeTurns() {
        if (turns == null) return;
        BusSession session = turns;
        turns = null;
        early.drop();
        audio.enqueue(() -> {
            arrivals.reset();
            return session.close();
        });
    }
}
