package perception.gateway.speech;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.Bus;
import perception.gateway.core.GatewayContext;
import perception.speech.Pcm16;
import perception.speech.SileroVad;
import perception.speech.Transcriber;
import perception.speech.TurnDetector;
import perception.speech.TurnEndPolicy;

/**
 * Conversation turns on the bus, for the realtime voice protocol: {@link Bus#TURNS_OPEN} with
 * {vad, threshold, prefix_padding_ms, silence_duration_ms, and optionally complete_silence_ms and
 * other_silence_ms (the windows after a complete / an ordinary turn; silence_duration_ms is the one
 * after an unfinished one, and the default of both)} replies {address} of a session that takes
 * Buffers of PCM16LE at 16 kHz and replies {events:[...]}: speech_started {audio_ms}, partial {text},
 * pause {audio_ms, speech_end_ms, text, window_ms} (recognition finalised; the turn may still go on),
 * resumed {audio_ms}, speech_stopped {audio_ms, speech_end_ms}, final {text, words}. {commit:1} ends the turn (reply: its final event),
 * {clear:1} drops it, {close:1} frees the session. Each session's work runs in order on the speech
 * pool; sessions idle for a minute are closed.
 */
final class TurnService {
    private static final Logger log = LoggerFactory.getLogger(TurnService.class);
    private static final String PREFIX = "perception.transcribe.turns.";
    private static final long IDLE_MS = 60_000;

    private final GatewayContext context;
    private final Vertx vertx;
    private final Transcriber transcriber;
    private final SileroVad vad;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    TurnService(GatewayContext context, Vertx vertx, Transcriber transcriber, SileroVad vad) {
        this.context = context;
        this.vertx = vertx;
        this.transcriber = transcriber;
        this.vad = vad;
    }

    void register() {
        perception.gateway.core.Workers.of(context).<JsonObject>serve(Bus.TURNS_OPEN, this::open);
        vertx.setPeriodic(IDLE_MS / 4, id -> {
            long now = System.currentTimeMillis();
            sessions.values().stream().filter(s -> now - s.lastUsed > IDLE_MS).toList().forEach(s -> {
                log.info("closing turn session {}: idle", s.id);
                s.enqueue(() -> close(s));
            });
        });
    }

    void closeAll() {
        sessions.values().forEach(s -> s.detector.close());
        sessions.clear();
    }

    private void open(Message<JsonObject> msg) {
        JsonObject o = msg.body();
        TurnDetector.Settings settings;
        try {
            int silence = o.getInteger("silence_duration_ms", 500);
            if (silence < 0 || silence > 10000) throw new IllegalArgumentException("silence_duration_ms must be 0 to 10000, got " + silence);
            TurnEndPolicy ends = new TurnEndPolicy(o.getInteger("complete_silence_ms", silence), o.getInteger("other_silence_ms", silence), silence);
            settings = new TurnDetector.Settings(o.getBoolean("vad", true), o.getFloat("threshold", 0.5f),
                    o.getInteger("prefix_padding_ms", 300), ends);
        } catch (IllegalArgumentException | ClassCastException e) {
            msg.fail(400, e.getMessage());
            return;
        }
        blocking(() -> new TurnDetector(vad, transcriber, settings)).onComplete(r -> {
            if (r.failed()) {
                msg.fail(500, r.cause().toString());
                return;
            }
            Session s = new Session(UUID.randomUUID().toString(), r.result());
            sessions.put(s.id, s);
            s.consumer = vertx.eventBus().consumer(PREFIX + s.id, m -> s.enqueue(() -> handle(s, m)));
            s.consumer.completion().onComplete(c -> msg.reply(new JsonObject().put("address", PREFIX + s.id)));
        });
    }

    private Future<?> handle(Session s, Message<Object> m) {
        s.lastUsed = System.currentTimeMillis();
        if (!sessions.containsKey(s.id)) {
            m.fail(410, "turn session closed");
            return Future.succeededFuture();
        }
        var timer = context.inferenceTimer("vosk-en+silero-vad");
        if (m.body() instanceof Buffer pcm) {
            byte[] bytes = pcm.getBytes();
            if (bytes.length % 2 != 0) {
                m.fail(400, "PCM16 audio must have an even number of bytes");
                return Future.succeededFuture();
            }
            return SpeechVerticle.inSlices(bytes, slice -> blocking(() -> {
                long t0 = System.nanoTime();
                var events = s.detector.feed(Pcm16.decode(slice, 0, slice.length));
                timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                return events;
            })).map(lists -> toJson(lists.stream().flatMap(List::stream).toList())).onComplete(r -> reply(m, r));
        }
        JsonObject cmd = m.body() instanceof JsonObject j ? j : new JsonObject();
        if (cmd.containsKey("commit")) return blocking(() -> toJson(List.of(s.detector.commit()))).onComplete(r -> reply(m, r));
        if (cmd.containsKey("clear")) return blocking(() -> {
            s.detector.clear();
            return new JsonObject().put("events", new JsonArray());
        }).onComplete(r -> reply(m, r));
        return close(s).onComplete(r -> m.reply(new JsonObject().put("closed", true)));
    }

    private Future<Void> close(Session s) {
        if (sessions.remove(s.id) == null) return Future.succeededFuture();
        return s.consumer.unregister().eventually(() -> blocking(() -> {
            s.detector.close();
            return null;
        }));
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
            else if (e instanceof TurnDetector.Event.Partial p) a.add(new JsonObject().put("type", "partial").put("text", p.text()));
            else if (e instanceof TurnDetector.Event.Final f) a.add(new JsonObject().put("type", "final").put("text", f.utterance().text())
                    .put("words", SpeechJson.words(f.utterance().words(), true)));
        }
        return new JsonObject().put("events", a);
    }

    private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
        return context.run("speech", work);
    }

    private static void reply(Message<?> m, io.vertx.core.AsyncResult<?> r) {
        if (r.succeeded()) m.reply(r.result());
        else m.fail(r.cause() instanceof IllegalArgumentException ? 400 : 500, String.valueOf(r.cause().getMessage()));
    }

    /** One conversation's detector, its bus address, and a queue that keeps its work in order. */
    private static final class Session {
        final String id;
        final TurnDetector detector;
        MessageConsumer<Object> consumer;
        volatile long lastUsed = System.currentTimeMillis();
        private Future<?> tail = Future.succeededFuture();

        Session(String id, TurnDetector detector) {
            this.id = id;
            this.detector = detector;
        }

        void enqueue(java.util.function.Supplier<Future<?>> work) {
            tail = tail.transform(x -> work.get()).transform(x -> Future.succeededFuture());
        }
    }
}
