package perception.gateway.speech;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.Callable;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusErrors;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.SessionRegistry;
import perception.gateway.core.Workers;
import perception.speech.Pcm16;
import perception.speech.SileroVad;
import perception.speech.SmartTurnModel;
import perception.speech.Transcriber;
import perception.speech.TurnDetector;
import perception.speech.TurnEndPolicy;

/**
 * Conversation turns on the bus, for the realtime voice protocol: {@link SpeechFeature#TURNS_OPEN} with
 * {vad, threshold, prefix_padding_ms, silence_duration_ms, and optionally complete_silence_ms and
 * other_silence_ms (the windows after a complete / an ordinary turn; silence_duration_ms is the one
 * after an unfinished one, and the default of both), and optionally turn_model {threshold,
 * max_silence_ms} (end the turn by the sound, Smart Turn v3, when the model is loaded; else the
 * windows above decide)} replies {address} and turn_model (whether the model decides) of a session that takes
 * Buffers of PCM16LE at 16 kHz and replies {events:[...]}: speech_started {audio_ms}, partial {text},
 * pause {audio_ms, speech_end_ms, text, window_ms} (recognition finalised; the turn may still go on),
 * resumed {audio_ms}, judged {audio_ms, silence_ms, probability, complete, cost_ms} (the turn model's
 * decision), speech_stopped {audio_ms, speech_end_ms}, final {text, words}. {commit:1} ends the turn (reply: its final event),
 * {clear:1} drops it, {close:1} frees the session. Each session's work runs in order on the speech
 * pool ({@link SessionRegistry}); sessions idle for a minute are closed.
 */
final class TurnService {
    private static final long IDLE_MS = 60_000;

    /** Runs work on the speech pool (the verticle's, so closing the natives waits for it). */
    interface Pool {
        <T> Future<T> run(Callable<T> work);
    }

    private final GatewayContext context;
    private final Vertx vertx;
    private final Transcriber transcriber;
    private final SileroVad vad;
    /** The turn model, or null (not fetched, or turned off): then the word rules decide. */
    private final SmartTurnModel turnModel;
    private final Pool pool;
    private SessionRegistry<TurnDetector> sessions;

    TurnService(GatewayContext context, Vertx vertx, Transcriber transcriber, SileroVad vad, SmartTurnModel turnModel, Pool pool) {
        this.context = context;
        this.vertx = vertx;
        this.transcriber = transcriber;
        this.vad = vad;
        this.turnModel = turnModel;
        this.pool = pool;
    }

    MessageConsumer<JsonObject> register() {
        sessions = new SessionRegistry<>(vertx, SpeechFeature.TURNS_SESSION, IDLE_MS, this::handle, d -> pool.run(() -> {
            d.close();
            return null;
        }));
        return Workers.of(context).serve(SpeechFeature.TURNS_OPEN, this::open);
    }

    Future<Void> closeAll() {
        return sessions == null ? Future.succeededFuture() : sessions.closeAll();
    }

    private void open(Message<JsonObject> msg) {
        JsonObject o = msg.body();
        TurnDetector.Settings settings;
        try {
            int silence = o.getInteger("silence_duration_ms", 500);
            if (silence < 0 || silence > 10000) throw new IllegalArgumentException("silence_duration_ms must be 0 to 10000, got " + silence);
            TurnEndPolicy ends = new TurnEndPolicy(o.getInteger("complete_silence_ms", silence), o.getInteger("other_silence_ms", silence), silence);
            TurnDetector.ModelEnds model = null;
            if (o.getValue("turn_model") instanceof JsonObject m && turnModel != null) {
                model = new TurnDetector.ModelEnds(turnModel, m.getFloat("threshold", (float) context.config().turnModelThreshold()),
                        context.config().turnModelRecheckMs(), m.getInteger("max_silence_ms", context.config().turnModelMaxSilenceMs()),
                        m.getBoolean("word_veto", context.config().turnModelWordVeto()));
            }
            settings = new TurnDetector.Settings(o.getBoolean("vad", true), o.getFloat("threshold", 0.5f),
                    o.getInteger("prefix_padding_ms", 300), ends, model);
        } catch (IllegalArgumentException | ClassCastException e) {
            BusErrors.fail(msg, ApiError.badRequest("invalid_request", e.getMessage()));
            return;
        }
        pool.run(() -> new TurnDetector(vad, transcriber, settings))
                .compose(detector -> sessions.open(detector))
                .onComplete(r -> reply(msg, r.map(address -> new JsonObject().put("address", address).put("turn_model", settings.model() != null))));
    }

    private Future<?> handle(SessionRegistry.Session<TurnDetector> s, Message<Object> m) {
        TurnDetector detector = s.state();
        var timer = context.inferenceTimer("vosk-en+silero-vad");
        if (m.body() instanceof Buffer pcm) {
            byte[] bytes = pcm.getBytes();
            if (bytes.length % 2 != 0) {
                BusErrors.fail(m, new ApiError(400, "invalid_request_error", "invalid_audio", "PCM16 audio must have an even number of bytes", null));
                return Future.succeededFuture();
            }
            return SpeechVerticle.inSlices(bytes, slice -> pool.run(() -> {
                long t0 = System.nanoTime();
                var events = detector.feed(Pcm16.decode(slice, 0, slice.length));
                timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                return events;
            })).map(lists -> toJson(lists.stream().flatMap(List::stream).toList())).onComplete(r -> reply(m, r));
        }
        JsonObject cmd = m.body() instanceof JsonObject j ? j : new JsonObject();
        if (cmd.containsKey("commit")) return pool.run(() -> toJson(List.of(detector.commit()))).onComplete(r -> reply(m, r));
        if (cmd.containsKey("clear")) return pool.run(() -> {
            detector.clear();
            return new JsonObject().put("events", new JsonArray());
        }).onComplete(r -> reply(m, r));
        return s.close().onComplete(r -> m.reply(new JsonObject().put("closed", true)));
    }

    static JsonObject toJson(List<TurnDetector.Event> events) {
        JsonArray a = new JsonArray();
        for (TurnDetector.Event e : events) {
            if (e instanceof TurnDetector.Event.SpeechStarted st) a.add(new JsonObject().put("type", "speech_started").put("audio_ms", st.audioMs()));
            else if (e instanceof TurnDetector.Event.SpeechStopped sp) a.add(new JsonObject().put("type", "speech_stopped").put("audio_ms", sp.audioMs())
                    .put("speech_end_ms", sp.speechEndMs()));
            else if (e instanceof TurnDetector.Event.Pause p) a.add(new JsonObject().put("type", "pause").put("audio_ms", p.audioMs())
                    .put("speech_end_ms", p.speechEndMs()).put("text", p.soFar().text()).put("window_ms", p.windowMs()));
            else if (e instanceof TurnDetector.Event.Resumed r) a.add(new JsonObject().put("type", "resumed").put("audio_ms", r.audioMs()));
            else if (e instanceof TurnDetector.Event.Judged j) a.add(new JsonObject().put("type", "judged").put("audio_ms", j.audioMs())
                    .put("silence_ms", j.silenceMs()).put("probability", j.probability()).put("complete", j.complete())
                    .put("cost_ms", Math.round(j.costMs() * 10) / 10.0));
            else if (e instanceof TurnDetector.Event.Partial p) a.add(new JsonObject().put("type", "partial").put("text", p.text()));
            else if (e instanceof TurnDetector.Event.Final f) a.add(new JsonObject().put("type", "final").put("text", f.utterance().text())
                    .put("words", SpeechJson.words(f.utterance().words(), true)));
        }
        return new JsonObject().put("events", a);
    }

    private static void reply(Message<?> m, io.vertx.core.AsyncResult<?> r) {
        SpeechVerticle.reply(m, r);
    }
}
