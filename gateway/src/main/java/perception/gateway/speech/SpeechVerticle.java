package perception.gateway.speech;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.Bus;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.ModelLoader;
import perception.speech.Audio;
import perception.speech.AudioDecoder;
import perception.speech.AudioFormatException;
import perception.speech.FreeTtsSynthesizer;
import perception.speech.Hypothesis;
import perception.speech.SileroVad;
import perception.speech.Synthesizer;
import perception.speech.Transcriber;
import perception.speech.TranscriptionSession;
import perception.speech.Utterance;
import perception.speech.VoskTranscriber;

/**
 * The ears and the voice: loads Vosk, FreeTTS and Silero VAD and serves them on the event bus.
 * Everything crossing the bus is JSON or Buffer, so the routes could live on another node.
 * <ul>
 * <li>{@link Bus#TRANSCRIBE}: body = the audio file (Buffer), header {@code words}; reply = {@link SpeechJson#transcript}.
 * <li>{@link Bus#SYNTHESIZE}: body = {input, speed, sample_rate, stream}; each sentence's PCM16LE goes to
 *     the {@code stream} address as a Buffer; reply = {chunks, bytes} when done.
 * <li>{@link #STREAM_OPEN}: body = {sample_rate, words}; reply = {address} of a new streaming session, which takes
 *     Buffers of PCM16LE (reply: vosk partial/final JSON) and {eof:1} (reply: final, session closed) or {close:1}.
 * </ul>
 * Inference runs on the "speech" worker pool; failures are replied with the HTTP status as code.
 */
public final class SpeechVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(SpeechVerticle.class);
    public static final String STREAM_OPEN = "perception.transcribe.stream.open";
    static final String STREAM_PREFIX = "perception.transcribe.stream.";
    /** A streaming session that hears nothing for this long is closed (its client vanished). */
    static final long SESSION_IDLE_MS = 60_000;

    private final GatewayContext context;
    private final Map<String, StreamSession> sessions = new ConcurrentHashMap<>();
    private VoskTranscriber transcriber;
    private FreeTtsSynthesizer synthesizer;
    private SileroVad vad;
    private AudioDecoder decoder;
    private long reaper = -1;
    private TurnService turns;

    public SpeechVerticle(GatewayContext context) {
        this.context = context;
    }

    /** The loaded models, for in-process users such as the realtime voice verticle; null until loaded. */
    public Transcriber transcriber() {
        return transcriber;
    }

    public Synthesizer synthesizer() {
        return synthesizer;
    }

    public SileroVad vad() {
        return vad;
    }

    @Override
    public Future<?> start() {
        if (!context.config().speechEnabled()) return Future.succeededFuture();
        Path dir = context.config().modelsDir();
        decoder = new AudioDecoder(Path.of(System.getProperty("java.io.tmpdir"), "perception-decode"), context.config().limit("max_audio_seconds"));
        int voices = Math.max(1, Math.min(4, context.config().inferenceThreads()));
        return Future.all(
                ModelLoader.load(context, "vosk-en", "speech-recognition", dir.resolve("vosk-en"),
                        () -> VoskTranscriber.load(dir.resolve("vosk-en"))).onSuccess(t -> transcriber = t),
                ModelLoader.load(context, "freetts-kevin16", "speech-synthesis", null,
                        () -> FreeTtsSynthesizer.load(voices)).onSuccess(s -> synthesizer = s),
                ModelLoader.load(context, "silero-vad", "voice-activity", dir.resolve("silero-vad/silero_vad_v5.onnx"),
                        () -> SileroVad.load(dir.resolve("silero-vad/silero_vad_v5.onnx"))).onSuccess(v -> vad = v))
                .onSuccess(v -> {
                    var bus = perception.gateway.core.Workers.of(context);
                    bus.<Buffer>serve(Bus.TRANSCRIBE, this::transcribe);
                    bus.<JsonObject>serve(Bus.SYNTHESIZE, this::synthesize);
                    bus.<JsonObject>serve(STREAM_OPEN, this::openStream);
                    turns = new TurnService(context, vertx, transcriber, vad);
                    turns.register();
                    io.micrometer.core.instrument.Gauge.builder("perception.speech.sessions", sessions, Map::size)
                            .description("open streaming recognition sessions").register(context.meters());
                    reaper = vertx.setPeriodic(SESSION_IDLE_MS / 4, id -> reapIdleSessions());
                });
    }

    @Override
    public Future<?> stop() throws Exception {
        if (reaper >= 0) vertx.cancelTimer(reaper);
        sessions.values().forEach(s -> s.session.close());
        if (turns != null) turns.closeAll();
        sessions.clear();
        if (transcriber != null) transcriber.close();
        if (synthesizer != null) synthesizer.close();
        if (vad != null) vad.close();
        return Future.succeededFuture();
    }

    private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
        return context.run("speech", work);
    }

    /** Fails the message with 503 when the speech pool is already full; true if it did. */
    private boolean refuseIfBusy(Message<?> msg) {
        var busy = context.overloaded("speech");
        if (busy == null) return false;
        msg.fail(busy.status(), busy.getMessage());
        return true;
    }

    /**
     * Audio is fed to the recogniser in slices of at most {@link #SLICE_BYTES}, each its own job on
     * the pool, so one long message never holds a worker for long: other sessions' and requests'
     * jobs run between the slices.
     */
    static <T> Future<List<T>> inSlices(byte[] bytes, java.util.function.Function<byte[], Future<T>> job) {
        List<T> out = new java.util.ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        int slices = Math.max(1, (bytes.length + SLICE_BYTES - 1) / SLICE_BYTES);
        for (int i = 0; i < slices; i++) {
            byte[] slice = java.util.Arrays.copyOfRange(bytes, i * SLICE_BYTES, Math.min(bytes.length, (i + 1) * SLICE_BYTES));
            chain = chain.compose(v -> job.apply(slice).map(r -> {
                out.add(r);
                return null;
            }));
        }
        return chain.map(v -> out);
    }

    /** One answer for a message fed in slices: the finals heard, joined, or else the last partial. */
    static Hypothesis merge(List<Hypothesis> hs) {
        List<perception.speech.Utterance> finals = hs.stream().filter(h -> h instanceof Hypothesis.Final)
                .map(h -> ((Hypothesis.Final) h).utterance()).filter(u -> !u.isEmpty()).toList();
        if (finals.isEmpty()) {
            // only silent finals (or none): an utterance ended if any slice said so
            return hs.stream().filter(h -> h instanceof Hypothesis.Final).findFirst().orElse(hs.get(hs.size() - 1));
        }
        if (finals.size() == 1) return new Hypothesis.Final(finals.get(0));
        List<perception.speech.Word> words = new java.util.ArrayList<>();
        finals.forEach(u -> words.addAll(u.words()));
        return new Hypothesis.Final(new perception.speech.Utterance(
                String.join(" ", finals.stream().map(perception.speech.Utterance::text).toList()), words));
    }

    /** 0.5 s of 16 kHz PCM16 (less at higher rates). */
    static final int SLICE_BYTES = 16000;

    private void transcribe(Message<Buffer> msg) {
        boolean words = !"false".equals(msg.headers().get("words"));
        if (refuseIfBusy(msg)) return;
        byte[] bytes = msg.body().getBytes();
        var timer = context.inferenceTimer("vosk-en");
        blocking(() -> {
            Audio audio = decoder.decode16k(bytes);
            long t0 = System.nanoTime();
            List<Utterance> utterances = transcriber.transcribe(audio);
            timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            return SpeechJson.transcript(utterances, audio.durationSeconds(), words);
        }).onComplete(r -> reply(msg, r));
    }

    private void synthesize(Message<JsonObject> msg) {
        JsonObject req = msg.body();
        String stream = req.getString("stream");
        AtomicBoolean cancelled = new AtomicBoolean();
        AtomicInteger chunks = new AtomicInteger();
        // the reply waits for every chunk's acknowledgement: on a cluster it would otherwise overtake
        // chunks still on their way, and the listener would stop listening before they arrive
        List<Future<?>> delivered = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        if (refuseIfBusy(msg)) return;
        var timer = context.inferenceTimer("freetts-kevin16");
        blocking(() -> {
            long t0 = System.nanoTime();
            long bytes = synthesizer.synthesize(req.getString("input", ""), req.getInteger("sample_rate", 24000),
                    req.getDouble("speed", 1.0), pcm -> {
                        if (cancelled.get()) throw new CancelledException();
                        chunks.incrementAndGet();
                        // request, not send: a vanished listener (client gone) fails it, and we stop speaking
                        delivered.add(vertx.eventBus().request(stream, Buffer.buffer(pcm), new DeliveryOptions().setSendTimeout(60_000))
                                .onFailure(e -> cancelled.set(true)));
                    });
            timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            return new JsonObject().put("chunks", chunks.get()).put("bytes", bytes);
        }).transform(r -> Future.join(List.copyOf(delivered)).transform(acks -> r.succeeded()
                ? Future.succeededFuture(r.result()) : Future.<JsonObject>failedFuture(r.cause()))).onComplete(r -> {
            if (r.failed() && r.cause() instanceof CancelledException) {
                log.debug("synthesis cancelled: the listener went away");
                msg.fail(499, "cancelled: the client went away");
            } else {
                reply(msg, r);
            }
        });
    }

    private void openStream(Message<JsonObject> msg) {
        int rate = msg.body().getInteger("sample_rate", 16000);
        boolean words = msg.body().getBoolean("words", true);
        if (refuseIfBusy(msg)) return;
        blocking(() -> transcriber.open(rate, words)).onComplete(r -> {
            if (r.failed()) {
                reply(msg, Future.failedFuture(r.cause()));
                return;
            }
            String id = UUID.randomUUID().toString();
            String address = STREAM_PREFIX + id;
            StreamSession s = new StreamSession(id, r.result());
            sessions.put(id, s);
            s.consumer = vertx.eventBus().consumer(address, m -> s.enqueue(() -> onStreamMessage(s, m)));
            s.consumer.completion().onComplete(c -> msg.reply(new JsonObject().put("address", address)));
        });
    }

    private Future<?> onStreamMessage(StreamSession s, Message<Object> m) {
        s.lastUsed = System.currentTimeMillis();
        if (m.body() instanceof Buffer pcm) {
            byte[] bytes = pcm.getBytes();
            return inSlices(bytes, slice -> blocking(() -> s.session.feed(slice)))
                    .map(hs -> SpeechJson.vosk(merge(hs))).onComplete(r -> reply(m, r));
        }
        JsonObject cmd = m.body() instanceof JsonObject j ? j : new JsonObject();
        if (cmd.containsKey("eof")) {
            return blocking(() -> SpeechJson.vosk(new Hypothesis.Final(s.session.finish())))
                    .onComplete(r -> reply(m, r)).eventually(() -> closeSession(s));
        }
        return closeSession(s).onComplete(r -> m.reply(new JsonObject().put("closed", true)));
    }

    private Future<Void> closeSession(StreamSession s) {
        if (sessions.remove(s.id) == null) return Future.succeededFuture();
        return s.consumer.unregister().eventually(() -> blocking(() -> {
            s.session.close();
            return null;
        }));
    }

    private void reapIdleSessions() {
        long now = System.currentTimeMillis();
        for (StreamSession s : List.copyOf(sessions.values())) {
            if (now - s.lastUsed > SESSION_IDLE_MS) {
                log.info("closing streaming session {}: idle for {} s", s.id, (now - s.lastUsed) / 1000);
                s.enqueue(() -> closeSession(s));
            }
        }
    }

    /** Replies with the result, or fails the message with an HTTP-like status: 400 for bad input, 500 otherwise. */
    private static void reply(Message<?> msg, io.vertx.core.AsyncResult<?> r) {
        if (r.succeeded()) {
            msg.reply(r.result());
            return;
        }
        Throwable e = r.cause();
        if (e instanceof perception.gateway.core.ApiError api) {
            msg.fail(api.status(), api.getMessage());
        } else if (e instanceof AudioFormatException || e instanceof IllegalArgumentException) {
            msg.fail(400, e.getMessage());
        } else if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("closed")) {
            msg.fail(410, e.getMessage());
        } else {
            // one line per failure; the stack trace at debug (a client may provoke these at will)
            log.error("speech request failed: {}", e.toString());
            log.debug("stack trace", e);
            msg.fail(500, "speech failed; the gateway log has the details");
        }
    }

    /** Whether a bus failure means nobody was listening (the session or stream is gone). */
    static boolean noHandler(Throwable e) {
        return e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS;
    }

    /** One streaming recognition: its recogniser, its bus address, and a queue that keeps its work in order. */
    private static final class StreamSession {
        final String id;
        final TranscriptionSession session;
        MessageConsumer<Object> consumer;
        volatile long lastUsed = System.currentTimeMillis();
        private Future<?> tail = Future.succeededFuture();

        StreamSession(String id, TranscriptionSession session) {
            this.id = id;
            this.session = session;
        }

        /** Runs after everything queued before it (called on the verticle's event loop only). */
        void enqueue(java.util.function.Supplier<Future<?>> work) {
            tail = tail.transform(x -> work.get()).transform(x -> Future.succeededFuture());
        }
    }

    private static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
