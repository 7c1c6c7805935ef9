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
import perception.speech.piper.EspeakNg;
import perception.speech.piper.PiperSynthesizer;

/**
 * The ears and the voice: loads Vosk, the Piper voices (FreeTTS as the fallback) and Silero VAD and serves them on the event bus.
 * Everything crossing the bus is JSON or Buffer, so the routes could live on another node.
 * <ul>
 * <li>{@link SpeechFeature#TRANSCRIBE}: body = the audio file (Buffer), header {@code words}; reply = {@link SpeechJson#transcript}.
 * <li>{@link SpeechFeature#SYNTHESIZE}: a {@link BusStream} call with {input, speed, sample_rate, voice (a {@link Voices} name; none: the default)}: each sentence's PCM16LE
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
    public static final String VOSK = "vosk", FREETTS = "freetts", SILERO_VAD = "silero-vad", PIPER = "piper", ESPEAK_DATA = "espeak-ng-data",
            SMART_TURN = "smart-turn";
    /** A streaming session that hears nothing for this long is closed (its client vanished). */
    static final long SESSION_IDLE_MS = 60_000;

    private final GatewayContext context;
    private volatile VoskTranscriber transcriber;
    private volatile FreeTtsSynthesizer synthesizer;
    /** The Piper voices that loaded, by catalog id (empty: FreeTTS speaks). */
    private final java.util.Map<String, PiperSynthesizer> piper = new java.util.concurrent.ConcurrentHashMap<>();
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
    private final io.micrometer.core.instrument.Counter synthesized;

    public SpeechVerticle(GatewayContext context) {
        this.context = context;
        this.work = new SenseWork(context, "speech", "speech");
        this.synthesized = io.micrometer.core.instrument.Counter.builder("perception.speech.synthesized.seconds")
                .description("seconds of audio synthesised (all callers)").register(context.meters());
    }

    /** The loaded models, for in-process users such as the realtime voice verticle; null until loaded. */
    public Transcriber transcriber() {
        return transcriber;
    }

    /** The default voice's synthesizer (Piper when it loaded, else FreeTTS). */
    public Synthesizer synthesizer() {
        Synthesizer s = piper.get(context.config().ttsVoice());
        if (s != null) return s;
        return piper.isEmpty() ? synthesizer : piper.values().iterator().next();
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
                ModelLoader.load(context, silero, silero.file(dir, "model"), () -> SileroVad.load(silero.file(dir, "model"))).onSuccess(v -> vad = v),
                loadPiper(dir))
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
     * Loads the catalog's Piper voices whose files are here. Without espeak-ng or the voice, FreeTTS
     * speaks: one line says what is missing and how to install it, and start-up goes on (never fails).
     */
    private Future<Void> loadPiper(Path dir) {
        ModelCatalog catalog = ModelCatalog.bundled();
        List<ModelCatalog.Model> voices = Voices.piperCatalog();
        // espeak-ng's data as piper-tts ships it, when fetched: Piper's exact phonemes; else the system's (Debian 1.51: "four" as fˈoːɹ)
        Path espeakData = catalog.forLoader(ESPEAK_DATA).file(dir, "data");
        Path data = java.nio.file.Files.isRegularFile(espeakData) ? espeakData.getParent() : null;
        // espeak-ng is C, loaded and initialised off the event loop
        return context.pool("model-loading").<String>executeBlocking(() -> {
            try {
                EspeakNg.get(data);
                return null;
            } catch (RuntimeException | LinkageError e) {
                return e.getMessage() == null ? e.toString() : e.getMessage();
            }
        }, false).compose(espeakProblem -> loadVoices(dir, voices, data, espeakProblem));
    }

    private Future<Void> loadVoices(Path dir, List<ModelCatalog.Model> voices, Path data, String espeakProblem) {
        List<String> missing = new java.util.ArrayList<>();
        List<String> install = new java.util.ArrayList<>();
        if (espeakProblem != null) {
            missing.add("espeak-ng (" + espeakProblem + ")");
            install.add(EspeakNg.INSTALL);
        }
        List<Future<?>> loads = new java.util.ArrayList<>();
        for (ModelCatalog.Model voice : voices) {
            Path onnx = voice.file(dir, "model");
            if (!java.nio.file.Files.isRegularFile(onnx) || !java.nio.file.Files.isRegularFile(voice.file(dir, "config"))) {
                if (voice.isDefault() || voice.id().equals(context.config().ttsVoice())) {
                    missing.add("the voice " + voice.id() + " (" + onnx + ")");
                    install.add("./run-gateway models fetch " + voice.id());
                }
                continue;
            }
            if (espeakProblem != null) continue;
            int threads = context.config().intraOpThreads();
            loads.add(ModelLoader.load(context, voice, onnx, () -> PiperSynthesizer.load(onnx, data, threads))
                    .onSuccess(p -> piper.put(voice.id(), p))
                    .recover(e -> {
                        log.warn("Piper voice {} failed to load: {}", voice.id(), e.getMessage());
                        return Future.succeededFuture();
                    }));
        }
        if (!loads.isEmpty() && data == null) {
            log.info("espeak-ng reads the system's data: a few words may be phonemized unlike Piper's own (e.g. \"four\"); ./run-gateway models fetch espeak-ng-data-en gives the data piper-tts ships");
        }
        if (!missing.isEmpty() && !Voices.KEVIN16.equals(context.config().ttsVoice())) {
            log.warn("Piper speech off, FreeTTS kevin16 speaks instead: missing {}; install with: {}", String.join(" and ", missing), String.join(" && ", install));
        }
        return Future.join(loads).mapEmpty();
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
        if (transcriber == null && synthesizer == null && vad == null && piper.isEmpty()) return Future.succeededFuture(); // speech off: nothing to close
        Future<?> unregistered = Future.join(consumers.stream().map(c -> (Future<?>) c.unregister()).toList());
        return unregistered
                .eventually(() -> sessions == null ? Future.succeededFuture() : sessions.closeAll())
                .eventually(() -> turns == null ? Future.succeededFuture() : turns.closeAll())
                .eventually(() -> Future.join(List.copyOf(synthesizing)))
                .eventually(() -> work.close(() -> {
                    if (transcriber != null) transcriber.close();
                    if (synthesizer != null) synthesizer.close();
                    piper.values().forEach(PiperSynthesizer::close);
                    piper.clear();
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
        // a file (batch transcription): nobody is mid-conversation, so it yields to voice turns; decoded in one
        // job, then fed to the recogniser FILE_SLICE_SECONDS at a time, each slice its own job, so that other
        // requests' and sessions' work runs between them (a 30-minute file held a worker for minutes)
        long[] nanos = {0};
        work.run(perception.gateway.core.WorkClass.BEST_EFFORT, () -> {
            Audio audio = decoder.decode16k(bytes);
            return new FileTranscription(audio, transcriber.open(audio.sampleRate(), true));
        }).compose(file -> feedFile(file, 0, nanos)
                .map(utterances -> SpeechJson.transcript(utterances, file.audio().durationSeconds(), words))
                .eventually(() -> work.run(() -> {
                    file.session().close();
                    return null;
                })))
                .onComplete(r -> {
                    if (r.succeeded()) timer.record(nanos[0], java.util.concurrent.TimeUnit.NANOSECONDS);
                    reply(msg, r);
                });
    }

    /** Seconds of a file's audio fed to the recogniser in one job. */
    static final int FILE_SLICE_SECONDS = 10;

    private record FileTranscription(Audio audio, TranscriptionSession session, List<Utterance> utterances) {
        FileTranscription(Audio audio, TranscriptionSession session) {
            this(audio, session, new java.util.ArrayList<>());
        }
    }

    /**
     * Feeds the file from sample {@code from} on, one slice per job, in the chunks {@link perception.speech.Transcriber#transcribe}
     * uses (so the transcript is the same), then finishes: every final utterance in order, the last one included.
     */
    private Future<List<Utterance>> feedFile(FileTranscription file, int from, long[] nanos) {
        float[] s = file.audio().samples();
        if (from >= s.length) {
            return work.run(perception.gateway.core.WorkClass.BEST_EFFORT, () -> {
                long t0 = System.nanoTime();
                Utterance last = file.session().finish();
                if (!last.isEmpty()) file.utterances().add(last);
                nanos[0] += System.nanoTime() - t0;
                return file.utterances();
            });
        }
        int rate = file.audio().sampleRate();
        int to = (int) Math.min(s.length, from + (long) rate * FILE_SLICE_SECONDS);
        return work.run(perception.gateway.core.WorkClass.BEST_EFFORT, () -> {
            long t0 = System.nanoTime();
            int chunk = (int) (rate * perception.speech.Transcriber.CHUNK_SECONDS);
            for (int i = from; i < to; i += chunk) {
                byte[] pcm = perception.speech.Pcm16.encode(s, i, Math.min(to, i + chunk));
                if (file.session().feed(pcm, 0, pcm.length) instanceof Hypothesis.Final f && !f.utterance().isEmpty()) {
                    file.utterances().add(f.utterance());
                }
            }
            nanos[0] += System.nanoTime() - t0;
            return null;
        }).compose(v -> feedFile(file, to, nanos));
    }

    private void synthesize(Message<JsonObject> msg) {
        JsonObject req = msg.body();
        if (refuseIfBusy(msg)) return;
        // the node lets the caller (BusStream) end the stream at once if this worker leaves the cluster
        msg.reply(new JsonObject().put("accepted", req.getString("id")).put("node", Workers.of(context).nodeId()));
        AtomicInteger chunks = new AtomicInteger();
        // a listener that went away (client gone, barge-in) stops the synthesiser at its next sentence
        BusStream.Emitter out = new BusStream.Emitter(vertx.eventBus(), req, () -> log.debug("synthesis cancelled: the listener went away"));
        String voice = req.getString("voice");
        Synthesizer speaker = voice == null ? synthesizer() : Voices.KEVIN16.equals(voice) ? synthesizer : piper.get(voice);
        var timer = context.inferenceTimer(speaker instanceof PiperSynthesizer p ? p.voice() : ModelCatalog.bundled().forLoader(FREETTS).id());
        // done once the caller was told how the synthesis ended: stop waits for that
        Future<Void> told = blocking(() -> {
            if (speaker == null) throw new IllegalArgumentException("voice '" + voice + "' is not loaded on this node: its voices are "
                    + String.join(", ", piper.keySet()) + (piper.isEmpty() ? "" : ", ") + Voices.KEVIN16);
            long t0 = System.nanoTime();
            long bytes = speaker.synthesize(req.getString("input", ""), req.getInteger("sample_rate", 24000),
                    req.getDouble("speed", 1.0), req.getDouble("max_seconds", Double.POSITIVE_INFINITY), pcm -> {
                        if (out.lost() || stopping) throw new CancelledException();
                        chunks.incrementAndGet();
                        synthesized.increment(pcm.length / 2.0 / req.getInteger("sample_rate", 24000));
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
        if (e instanceof perception.speech.SpeechTooLongException) {
            return new ApiError(400, "invalid_request_error", "audio_too_long", "The speech for this input is longer than the gateway's limit of "
                    + Math.round(((perception.speech.SpeechTooLongException) e).maxSeconds()) + " s (setting speech_max_seconds): send shorter text, or a higher speed.", null);
        }
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
