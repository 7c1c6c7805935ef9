package perception.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.SerialQueue;
import perception.gateway.llm.GenerationCall;
import perception.gateway.speech.SynthesisCall;
import perception.speech.SentenceSplitter;

/**
 * One assistant response of a realtime session: the LLM streams text, each finished sentence is
 * spoken, and the audio goes out in 100 ms deltas paced to at most {@link #LEAD_MS} ahead of real
 * time, so the client's buffer stays small and a barge-in silences it quickly. Cancelling stops the
 * LLM between tokens and the synthesiser at its next chunk, drops unsent audio, and keeps as the
 * assistant's item only the sentences that were actually sent. A response started before the
 * user's turn was known to be over is <em>held</em>: it generates and synthesises its first piece
 * but sends nothing until {@link #release}, or is {@link #drop}ped without a trace.
 */
final class Response {
    static final long LEAD_MS = 500;
    /** A first sentence of this many words or more starts being spoken at its first clause. */
    static final int FIRST_CLAUSE_WORDS = 4;

    private record Chunk(byte[] pcm, int sentence) {
    }

    private final GatewayContext context;
    private final RealtimeSession session;
    private final JsonArray messages;
    private final boolean audio;
    private final SessionConfig config;
    private TurnTimes times;
    private final String id = RealtimeEvents.id("resp");
    private final String itemId = RealtimeEvents.id("item");
    private final GenerationCall generation;
    private final SentenceSplitter splitter = new SentenceSplitter(FIRST_CLAUSE_WORDS);
    private final List<String> sentences = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private final Deque<Chunk> pending = new ArrayDeque<>();
    private final FunctionCalls calls;

    /** Sentences are spoken one after another, in order. */
    private final SerialQueue tts = new SerialQueue();
    private SynthesisCall synthesis;
    private boolean llmFinished;
    private boolean done;
    private int lastSentSentence = -1;
    private long firstTokenNanos;      // the LLM made it
    private long tokenSentNanos;       // the first text delta was sent
    private long firstAudioNanos;
    private boolean held;
    private final boolean speculative;
    private final List<JsonObject> heldEvents = new ArrayList<>();
    private Throwable heldFailure;
    private final io.vertx.core.Promise<Void> released = io.vertx.core.Promise.promise();
    private long audioStartNanos;
    private long sentAudioMs;
    private long pumpTimer = -1;
    private JsonObject usage = new JsonObject();

    /** times == null: held (speculative) until {@link #release}. */
    Response(GatewayContext context, RealtimeSession session, JsonArray messages, boolean audio, SessionConfig config, TurnTimes times) {
        this.context = context;
        this.session = session;
        this.messages = messages;
        this.audio = audio;
        this.config = config;
        this.times = times;
        this.held = times == null;
        this.speculative = held;
        if (!held) released.complete();
        this.generation = new GenerationCall(context.vertx());
        this.calls = new FunctionCalls(this::emit, id, 1);
    }

    String itemId() {
        return itemId;
    }

    void start() {
        emit(RealtimeEvents.event("response.created").put("response", RealtimeEvents.response(id, "in_progress", new JsonArray())));
        emit(RealtimeEvents.event("response.output_item.added").put("response_id", id).put("output_index", 0)
                .put("item", RealtimeEvents.assistantItem(itemId, "in_progress", audio, "")));
        JsonObject request = new JsonObject().put("messages", messages).put("max_tokens", config.maxOutputTokens);
        if (config.temperature != null) request.put("temperature", config.temperature);
        if (!config.tools.isEmpty()) request.put("tools", config.tools).put("tool_choice", config.toolChoice);
        request.put("spoken", audio); // the built-in assistant says numbers in words when they will be heard
        JsonObject seen = VideoLink.observation(context, config.videoSession);
        if (seen != null) request.put("observation", seen);
        generation.generate(request, this::onText, piece -> {
            if (!done) calls.onPiece(piece);
        }).onComplete(r -> {
            if (done) return;
            if (r.failed()) {
                fail(r.cause());
                return;
            }
            usage = r.result();
            splitter.flush().forEach(this::speak);
            llmFinished = true;
            maybeFinish();
        });
    }

    private void onText(String delta) {
        if (done || delta.isEmpty()) return;
        if (firstTokenNanos == 0) firstTokenNanos = System.nanoTime();
        text.append(delta);
        String type = audio ? "response.output_audio_transcript.delta" : "response.output_text.delta";
        emit(RealtimeEvents.event(type).put("response_id", id).put("item_id", itemId)
                .put("output_index", 0).put("content_index", 0).put("delta", delta));
        splitter.add(delta).forEach(this::speak);
    }

    /** The session's voice, resolved on this node; one not installed (a session may name any) gets the default voice. */
    private String voice() {
        try {
            return perception.gateway.speech.Voices.resolve(context, config.voice, "voice");
        } catch (perception.gateway.core.ApiError e) {
            return perception.gateway.speech.Voices.defaultVoice(context);
        }
    }

    private void speak(String sentence) {
        int index = sentences.size();
        sentences.add(sentence);
        if (!audio) return;
        // held, only the first piece is synthesised ahead: the rest waits for the turn to be over
        tts.enqueue(() -> (index == 0 ? Future.<Void>succeededFuture() : released.future()).transform(x -> {
            if (done) return Future.<Void>succeededFuture();
            synthesis = new SynthesisCall(context.vertx());
            int bytesPer100ms = config.outputRate * 2 / 10;
            return synthesis.synthesize(sentence, voice(), config.outputRate, config.speed, pcm -> {
                for (int i = 0; i < pcm.length; i += bytesPer100ms) {
                    pending.add(new Chunk(java.util.Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + bytesPer100ms)), index));
                }
                pump();
            });
        })).onComplete(r -> {
            if (r.failed() && !done) {
                fail(r.cause());
            }
            maybeFinish();
        });
    }

    /** Sends queued audio while it is at most LEAD_MS ahead of real time and the socket keeps up. */
    private void pump() {
        pumpTimer = -1;
        if (held) return;
        while (!done && !pending.isEmpty()) {
            if (session.writeQueueFull()) {
                session.onDrain(this::pump);
                return;
            }
            long now = System.nanoTime();
            if (audioStartNanos == 0) audioStartNanos = now;
            long ahead = sentAudioMs - (now - audioStartNanos) / 1_000_000;
            if (ahead > LEAD_MS) {
                if (pumpTimer < 0) pumpTimer = context.vertx().setTimer(ahead - LEAD_MS, t -> pump());
                return;
            }
            Chunk c = pending.poll();
            if (firstAudioNanos == 0) {
                firstAudioNanos = now;
                session.metrics().firstAudio(times, now);
            }
            session.send(RealtimeEvents.event("response.output_audio.delta").put("response_id", id).put("item_id", itemId)
                    .put("output_index", 0).put("content_index", 0).put("delta", Base64.getEncoder().encodeToString(c.pcm())));
            sentAudioMs += c.pcm().length * 1000L / (config.outputRate * 2);
            lastSentSentence = Math.max(lastSentSentence, c.sentence());
        }
        maybeFinish();
    }

    /** The user's turn is over and this held response was made for it: send what it has, and go on live. */
    void release(TurnTimes turn) {
        if (!held || done) return;
        times = turn;
        held = false;
        released.complete();
        List<JsonObject> events = List.copyOf(heldEvents);
        heldEvents.clear();
        events.forEach(this::emit);
        if (heldFailure != null) {
            fail(heldFailure);
            return;
        }
        pump();
        maybeFinish();
    }

    /** The user went on speaking: stop silently; nothing of this response was sent. */
    void drop() {
        if (done) return;
        done = true;
        generation.cancel();
        if (synthesis != null) synthesis.cancel();
        pending.clear();
        heldEvents.clear();
        if (pumpTimer >= 0) context.vertx().cancelTimer(pumpTimer);
    }

    private void emit(JsonObject event) {
        if (held) {
            heldEvents.add(event);
            return;
        }
        if (tokenSentNanos == 0 && event.getString("type").endsWith("_text.delta") || tokenSentNanos == 0 && event.getString("type").endsWith("_transcript.delta")) {
            tokenSentNanos = System.nanoTime();
            session.metrics().firstToken(times, tokenSentNanos);
        }
        session.send(event);
    }

    private void maybeFinish() {
        if (held) return;
        if (!done && llmFinished && tts.pending() == 0 && pending.isEmpty()) finish("completed", null);
    }

    void cancel(String reason) {
        if (done) return;
        generation.cancel();
        if (synthesis != null) synthesis.cancel();
        pending.clear();
        if (pumpTimer >= 0) context.vertx().cancelTimer(pumpTimer);
        finish("cancelled", new JsonObject().put("type", "cancelled").put("reason", reason));
    }

    private void fail(Throwable cause) {
        if (done) return;
        if (held) { // told at release, if the turn is over by then
            heldFailure = cause;
            generation.cancel();
            if (synthesis != null) synthesis.cancel();
            return;
        }
        generation.cancel();
        if (synthesis != null) synthesis.cancel();
        pending.clear();
        String message = String.valueOf(cause.getMessage());
        emit(RealtimeEvents.error("response_failed", message, null));
        finish("failed", new JsonObject().put("type", "failed").put("error", new JsonObject().put("message", message)));
    }

    private void finish(String status, JsonObject details) {
        done = true;
        // a cancelled spoken answer keeps only what the user actually heard
        String said = status.equals("completed") || !audio ? text.toString()
                : String.join(" ", sentences.subList(0, lastSentSentence + 1));
        if (audio) {
            emit(RealtimeEvents.event("response.output_audio.done").put("response_id", id).put("item_id", itemId)
                    .put("output_index", 0).put("content_index", 0));
            emit(RealtimeEvents.event("response.output_audio_transcript.done").put("response_id", id).put("item_id", itemId)
                    .put("output_index", 0).put("content_index", 0).put("transcript", said));
        } else {
            emit(RealtimeEvents.event("response.output_text.done").put("response_id", id).put("item_id", itemId)
                    .put("output_index", 0).put("content_index", 0).put("text", said));
        }
        String itemStatus = status.equals("completed") ? "completed" : "incomplete";
        JsonObject item = RealtimeEvents.assistantItem(itemId, itemStatus, audio, said);
        emit(RealtimeEvents.event("response.output_item.done").put("response_id", id).put("output_index", 0).put("item", item));
        JsonObject latency = latency();
        List<JsonObject> called = calls.finish(status.equals("completed"), session.conversation());
        JsonObject response = RealtimeEvents.response(id, status, FunctionCalls.output(item, called))
                .put("status_details", details)
                .put("usage", new JsonObject()
                        .put("input_tokens", usage.getInteger("prompt_tokens", 0))
                        .put("output_tokens", usage.getInteger("completion_tokens", 0))
                        .put("total_tokens", usage.getInteger("prompt_tokens", 0) + usage.getInteger("completion_tokens", 0)))
                .put("latency_ms", latency);
        emit(RealtimeEvents.event("response.done").put("response", response));
        session.responseEnded(this, said);
    }

    /**
     * latency_ms: transcript, first_token, first_audio from speech_stopped (or from response.create);
     * since_speech_end: the same stages and speech_stopped itself from the end of speech; each stage
     * is when its event was sent. speculative: the answer was started during the user's pause.
     */
    private JsonObject latency() {
        JsonObject latency = new JsonObject();
        long stopped = times.speechStoppedNanos(), end = times.speechEndNanos();
        if (times.transcriptNanos() > 0) latency.put("transcript", TurnTimes.ms(stopped, times.transcriptNanos()));
        if (tokenSentNanos > 0) latency.put("first_token", TurnTimes.ms(stopped, tokenSentNanos));
        if (firstAudioNanos > 0) latency.put("first_audio", TurnTimes.ms(stopped, firstAudioNanos));
        if (end > 0) {
            JsonObject since = new JsonObject().put("speech_stopped", TurnTimes.ms(end, stopped));
            if (times.transcriptNanos() > 0) since.put("transcript", TurnTimes.ms(end, times.transcriptNanos()));
            if (tokenSentNanos > 0) since.put("first_token", TurnTimes.ms(end, tokenSentNanos));
            if (firstAudioNanos > 0) since.put("first_audio", TurnTimes.ms(end, firstAudioNanos));
            latency.put("since_speech_end", since);
        }
        if (firstTokenNanos > 0) latency.put("llm_first_token", TurnTimes.ms(stopped, firstTokenNanos));
        return latency.put("speculative", speculative);
    }
}
