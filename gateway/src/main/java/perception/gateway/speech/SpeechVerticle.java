package perception.gateway.speech;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusErrors;
import perception.gateway.core.BusStream;
import perception.gateway.core.SenseWork;
import perception.gateway.core.SessionRegistry;
import perception.gateway.core.Workers;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.ModelCatalog;
import perception.gateway.core.ModelLoader;
import perception.speech.Audio;
import perception.speech.AudioDecoder;
import perception.speech.AudioFormatException;
import perception.speech.FreeTtsSynthesizer;
import perception.speech.Hypothesis;
import perception.speech.SessionClosedException;
import perception.speech.SileroVad;
import perception.speech.SmartTurnModel;
import perception.speech.Synthesizer;
import perception.speech.Transcriber;
import perception.speech.TranscriptionSession;
import perception.speech.Utterance;
import perception.speech.VoskTranscriber;

/**
 * The ears and the voice: loads Vosk, FreeTTS and Silero VAD and serves them on the event bus.
 * Everything crossing the bus is JSON or Buffer, so the routes could live on another node.
 * <ul>
 * <li>{@link SpeechFeature#TRANSCRIBE}: body = the audio file (Buffer), header {@code words}; reply = {@link SpeechJson#transcript}.
 * <li>{@link SpeechFeature#SYNTHESIZE}: a {@link BusStream} call with {input, speed, sample_rate}: each sentence's PCM16LE
 *     is a Buffer piece; done = {chunks, bytes}.
 * <li>{@link SpeechFeature#TRANSCRIBE_STREAM_OPEN}: body = {sample_rate, words}; reply = {address} of a new streaming session
 *     ({@link SessionRegistry}), which takes Buffers of PCM16LE (reply: vosk partial/final JSON) and {eof:1}
 *     (reply: final, session closed) or {close:1}.
 * </ul>
 * Inference runs on the "speech" worker pool; failures are replied as {@link BusErrors} (by type).
 * Stopping closes the natives off the event loop, once the work in progress is done.
 */
public final class SpeechVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(SpeechVerticle.class);
    /** The loaders of this sense's models in models.json. */
    public static final String VOSK = "vosk", FREETTS = "freetts", SILERO_VAD = "silero-vad", SMART_TURN = "smart-turn";
    /** A streaming session that hears nothing for this long is closed (its client vanished). */
    static final long SESSION_IDLE_MS = 60_000;

    private final GatewayContext context;
    private volatile VoskTranscriber transcriber;
    private volatile FreeTtsSynthesizer synthesizer;
    private volatile SileroVad vad;
    /** Optional: without it turns end by the word rules. */
    private volatile SmartTurnModel turnModel;
    private AudioDecoder decoder;
    private SessionRegistry<TranscriptionSession> sessions;
    private TurnService turns;
    private final List<MessageConsumer<?>> consumers = new java.util.ArrayList<>();
    /** The natives' work and their closing, kept apart. */
    private final SenseWork work;
    private volatile boolean stopping;
    /** Syntheses in progress (touched on this verticle's event loop): stop waits until each has told its caller how it ended. */
    private final java.util.Set<Future<?>> synthesizing = new java.util.HashSet<>();

    public SpeechVerticle(GatewayContext context) {
        this.context = context;
        this.work = new SenseWork(context, "speech", "speech");
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
        ModelCatalog catalog = ModelCatalog.bundled();
        ModelCatalog.Model vosk = catalog.forLoader(VOSK);
        ModelCatalog.Model freetts = catalog.forLoader(FREETTS);
        ModelCatalog.Model silero = catalog.forLoader(SILERO_VAD);
        ModelCatalog.Model smartTurn = catalog.forLoader(SMART_TURN);
        return Future.all(
                loadTurnModel(smartTurn, dir),
                ModelLoader.load(context, vosk, vosk.dir(dir), () -> VoskTranscriber.load(vosk.dir(dir))).onSuccess(t -> transcriber = t),
                // the kevin16 voice ships on the classpath (the freetts jar), so there is no file to check
                ModelLoader.load(context, freetts, null, () -> FreeTtsSynthesizer.load(voices)).onSuccess(s -> synthesizer = s),
                ModelLoader.load(context, silero, silero.file(dir, "model"), () -> SileroVad.load(silero.file(dir, "model"))).onSuccess(v -> vad = v))
                .onSuccess(v -> {
                    var bus = Workers.of(context); // serves on this node and, clustered, as ADDRESS@NODE
                    sessions = new SessionRegistry<>(vertx, SpeechFeature.TRANSCRIBE_STREAM_SESSION, SESSION_IDLE_MS, this::onStreamMessage,
                            s -> blocking(() -> {
                                s.close();
                                return null;
                            }));
                    consumers.add(bus.<Buffer>serve(SpeechFeature.TRANSCRIBE, this::transcribe));
                    consumers.add(bus.<JsonObject>serve(SpeechFeature.SYNTHESIZE, this::synthesize));
                    consumers.add(bus.<JsonObject>serve(SpeechFeature.TRANSCRIBE_STREAM_OPEN, this::openStream));
                    turns = new TurnService(context, vertx, transcriber, vad, turnModel, this::blocking);
                    consumers.add(turns.register());
                    SessionRegistry<TranscriptionSession> open = sessions;
                    io.micrometer.core.instrument.Gauge.builder("perception.speech.sessions", open, SessionRegistry::size)
                            .description("open streaming recognition sessions").register(context.meters());
                });
    }

    /**
     * The turn model is optional: missing (not fetched) or turned off, turns end by the word rules
     * and one line says so and how to fetch it; the other speech models still start.
     */
    private Future<Void> loadTurnModel(ModelCatalog.Model model, Path dir) {
        if (!context.config().turnModel()) {
            log.info("turn_model is false: realtime turns end by the word rules");
            return Future.succeededFuture();
        }
        Path file = model.file(dir, "model");
        if (!java.nio.file.Files.isRegularFile(file)) {
            log.warn("Smart Turn model not found at {}: realtime turns end by the word rules; fetch it with ./run-gateway models fetch {}", file, model.id());
            return Future.succeededFuture();
        }
        return ModelLoader.load(context, model, file, () -> SmartTurnModel.load(file, 1)).<Void>map(m -> {
            turnModel = m;
            return null;
        }).recover(e -> {
            log.warn("Smart Turn model at {} did not load ({}): realtime turns end by the word rules", file, e.getMessage());
            return Future.succeededFuture();
        });
    }

    /**
     * Stops taking requests, lets the sessions' queued work finish and frees them, then closes the
     * natives through {@link SenseWork}: off the event loop, once no worker uses them any more.
     */
    @Override
    public Future<?> stop() {
        stopping = true; // a synthesis in progress stops at its next sentence
        if (transcriber == null && synthesizer == null && vad == null) return Future.succeededFuture(); // speech off: nothing to close
        Future<?> unregistered = Future.join(consumers.stream().map(c -> (Future<?>) c.unregister()).toList());
        return unregistered
                .eventually(() -> sessions == null ? Future.succeededFuture() : sessions.closeAll())
                .eventually(() -> turns == null ? Future.succeededFuture() : turns.closeAll())
                .eventually(() -> Future.join(List.copyOf(synthesizing)))
                .eventually(() -> work.close(() -> {
                    if (transcriber != null) transcriber.close();
                    if (synthesizer != null) synthesizer.close();
                    if (vad != null) vad.close();
                    if (turnModel != null) turnModel.close();
                    turnModel = null;
                    transcriber = null;
                    synthesizer = null;
                    vad = null;
                }));
    }

    /** Runs work on the speech pool, never while the natives are being closed. */
    private <T> Future<T> blocking(java.util.concurrent.Callable<T> job) {
        return work.run(job);
    }

    /** Fails the message with 503 when the speech pool is already full, or the sense is stopping; true if it did. */
    private boolean refuseIfBusy(Message<?> msg) {
        var busy = stopping ? BusErrors.of(new BusErrors.StoppingException("speech"), "speech", null) : context.overloaded("speech");
        if (busy == null) return false;
        BusErrors.fail(msg, busy);
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
        var timer = context.inferenceTimer(ModelCatalog.bundled().forLoader(VOSK).id());
        // a file (batch transcription): nobody is mid-conversation, so it yields to voice turns
        work.run(perception.gateway.core.WorkClass.BEST_EFFORT, () -> {
            Audio audio = decoder.decode16k(bytes);
            long t0 = System.nanoTime();
            List<Utterance> utterances = transcriber.transcribe(audio);
            timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            return SpeechJson.transcript(utterances, audio.durationSeconds(), words);
        }).onComplete(r -> reply(msg, r));
    }

    private void synthesize(Message<JsonObject> msg) {
        JsonObject req = msg.body();
        if (refuseIfBusy(msg)) return;
        // the node lets the caller (BusStream) end the stream at once if this worker leaves the cluster
        msg.reply(new JsonObject().put("accepted", req.getString("id")).put("node", Workers.of(context).nodeId()));
        AtomicInteger chunks = new AtomicInteger();
        // a listener that went away (client gone, barge-in) stops the synthesiser at its next sentence
        BusStream.Emitter out = new BusStream.Emitter(vertx.eventBus(), req, () -> log.debug("synthesis cancelled: the listener went away"));
        var timer = context.inferenceTimer(ModelCatalog.bundled().forLoader(FREETTS).id());
        // done once the caller was told how the synthesis ended: stop waits for that
        Future<Void> told = blocking(() -> {
            long t0 = System.nanoTime();
            long bytes = synthesizer.synthesize(req.getString("input", ""), req.getInteger("sample_rate", 24000),
                    req.getDouble("speed", 1.0), pcm -> {
                        if (out.lost() || stopping) throw new CancelledException();
                        chunks.incrementAndGet();
                        out.piece(Buffer.buffer(pcm));
                    });
            timer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            return new JsonObject().put("chunks", chunks.get()).put("bytes", bytes);
        }).transform(r -> {
            if (r.succeeded()) return out.end(r.result());
            if (!(r.cause() instanceof CancelledException) || stopping) return out.fail(BusErrors.of(stopping ? new BusErrors.StoppingException("speech") : r.cause(), "speech", SpeechVerticle::typed));
            return Future.succeededFuture();
        });
        synthesizing.add(told);
        told.onComplete(r -> synthesizing.remove(told));
    }

    private void openStream(Message<JsonObject> msg) {
        int rate = msg.body().getInteger("sample_rate", 16000);
        boolean words = msg.body().getBoolean("words", true);
        if (refuseIfBusy(msg)) return;
        blocking(() -> transcriber.open(rate, words))
                .compose(session -> sessions.open(session))
                .onComplete(r -> reply(msg, r.map(address -> new JsonObject().put("address", address))));
    }

    private Future<?> onStreamMessage(SessionRegistry.Session<TranscriptionSession> s, Message<Object> m) {
        if (m.body() instanceof Buffer pcm) {
            byte[] bytes = pcm.getBytes();
            return inSlices(bytes, slice -> blocking(() -> s.state().feed(slice)))
                    .map(hs -> SpeechJson.vosk(merge(hs))).onComplete(r -> reply(m, r));
        }
        JsonObject cmd = m.body() instanceof JsonObject j ? j : new JsonObject();
        if (cmd.containsKey("eof")) {
            return blocking(() -> SpeechJson.vosk(new Hypothesis.Final(s.state().finish())))
                    .onComplete(r -> reply(m, r)).eventually(s::close);
        }
        return s.close().onComplete(r -> m.reply(new JsonObject().put("closed", true)));
    }

    /** Replies with the result, or fails the message with the speech error its failure maps to. */
    static void reply(Message<?> msg, io.vertx.core.AsyncResult<?> r) {
        BusErrors.reply(msg, r, "speech", SpeechVerticle::typed);
    }

    /** The speech sense's own failures, by type: bad audio is the client's (400), a closed session is gone (410). */
    static ApiError typed(Throwable e) {
        if (e instanceof AudioFormatException || e instanceof IllegalArgumentException) {
            return new ApiError(400, "invalid_request_error", "invalid_audio", e.getMessage(), null);
        }
        if (e instanceof SessionClosedException) return new ApiError(410, "invalid_request_error", "session_closed", e.getMessage(), null);
        return null;
    }

    /** How callers of the speech sense name its absence and its timeouts. */
    public static final BusErrors.Sense SENSE = new BusErrors.Sense("speech", "speech_unavailable",
            "speech models are not loaded: check /ready, or start with speech=true", "speech took too long; try again with less audio or text");

    private static final class CancelledException extends RuntimeException {
        CancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
