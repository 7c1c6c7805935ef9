package perception.gateway.llm;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusErrors;
import perception.gateway.core.BusStream;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.LlmBackend;
import perception.gateway.core.ModelCatalog;
import perception.gateway.core.ModelLoader;
import perception.gateway.core.SenseWork;
import perception.gateway.core.Workers;
import perception.llm.Cancellation;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.LlmException;
import perception.llm.TokenListener;
import perception.llm.assistant.AssistantModel;
import perception.llm.assistant.BuiltInAssistant;
import perception.llm.embedded.EmbeddedChatModel;
import perception.llm.gguf.GgufChatModel;
import perception.llm.fusion.Fusion;
import perception.llm.remote.RemoteChatModel;
import perception.llm.remote.RemoteConfig;
import perception.llm.skills.Skills;
import perception.llm.tools.ToolLoop;

/**
 * The brain: picks the chat backend from the configuration (remote OpenAI-compatible server, or
 * the embedded ONNX model when it has been fetched), puts the built-in assistant in front of it
 * ({@link AssistantModel}, routed by {@code assistant_routing}; alone when there is no LLM) and
 * serves it on {@link LlmFeature#GENERATE}. A request naming {@code model: "assistant"} always gets the
 * built-in assistant. A request may carry {@code observation} (the linked camera's latest frame)
 * and {@code spoken} (the answer will be synthesised). A request is acknowledged at once; the
 * generation runs on the "llm" worker pool and streams
 * {@code {text}} pieces, then {@code {done}} or {@code {error}}, to the request's
 * {@code stream_to} address. {@link LlmFeature#GENERATE_CANCEL} with the request id (also when it arrives first) stops it between two tokens.
 */
public final class LlmVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(LlmVerticle.class);
    /** Cancels that arrived before their request (bus order is not guaranteed across senders); bounded. */
    private static final int EARLY_CANCELS = 1024;
    static final String NO_MODEL = "No language model is configured, so the built-in assistant answers (the time, arithmetic, units, "
            + "what the camera sees); for anything else run ./run-gateway models fetch smollm2-135m (then restart), "
            + "or set GATEWAY_LLM_URL to an OpenAI-compatible server (e.g. http://localhost:11434/v1 for Ollama).";

    /** assistant_routing=tools: the LLM gets the skills as tools; the loop runs its calls, a bounded number of rounds. */
    private static final AssistantModel.ToolsLoop TOOL_LOOP = (llm, skills, request, turn, listener, cancellation) ->
            new ToolLoop(llm, skills, turn, ToolLoop.DEFAULT_MAX_ROUNDS).run(request, listener, cancellation).result();

    private final GatewayContext context;
    /** Generations and the closing of the model, kept apart (an ONNX session must not close under a running token). */
    private final SenseWork work;
    private final Map<String, Cancellation> running = new ConcurrentHashMap<>();
    /** Touched only on this verticle's event loop. */
    private final Map<String, Boolean> cancelledEarly = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > EARLY_CANCELS;
        }
    };
    private volatile ChatModel model;
    private volatile AssistantModel assistant;
    private MessageConsumer<JsonObject> generate;
    private MessageConsumer<String> cancel;

    public LlmVerticle(GatewayContext context) {
        this.context = context;
        this.work = new SenseWork(context, "llm", "llm");
    }

    /** The backend this configuration selects: remote, GGUF (llama.cpp), embedded ONNX or none. */
    public static LlmBackend backend(GatewayConfig config) {
        LlmBackend b = config.llmBackend();
        if (b != LlmBackend.AUTO) return b;
        if (config.llmUrl() != null) return LlmBackend.REMOTE;
        if (config.llmModelDirSet()) return LlmBackend.EMBEDDED;
        if (config.llmModelFileSet() || Files.isRegularFile(config.llmModelFile())) return LlmBackend.GGUF;
        return Files.isDirectory(config.llmModelDir()) ? LlmBackend.EMBEDDED : LlmBackend.NONE;
    }

    /** A GGUF model's id: its catalog id when it is the catalog's file, else the file's name without .gguf. */
    static String ggufId(Path file) {
        for (ModelCatalog.Model m : ModelCatalog.bundled().models()) {
            if (m.loader().equals(GatewayConfig.GGUF_LLM) && m.roles().containsKey("model")
                    && file.toAbsolutePath().normalize().endsWith(Path.of(m.dir(), m.roles().get("model")))) {
                return m.id();
            }
        }
        String name = file.getFileName().toString();
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    }

    @Override
    public Future<?> start() {
        GatewayConfig config = context.config();
        LlmBackend backend = backend(config);
        Future<ChatModel> loaded;
        switch (backend) {
            case REMOTE -> {
                RemoteChatModel remote = new RemoteChatModel(RemoteConfig.of(config.llmUrl(), config.llmApiKey(), config.llmModel())
                        .withVision(config.llmVision()));
                String id = config.llmModel() != null ? config.llmModel() : "remote-llm";
                context.models().expect(id, "chat");
                context.models().loaded(id, "chat", 0, config.llmUrl());
                loaded = Future.succeededFuture(remote);
            }
            case GGUF -> {
                Path file = config.llmModelFile();
                String id = ggufId(file);
                GgufChatModel.Options options = new GgufChatModel.Options(config.llmThreads(), config.llmSlots(), config.llmContext());
                loaded = ModelLoader.load(context, id, "chat", file, () -> GgufChatModel.load(id, file, options)).map(m -> (ChatModel) m);
            }
            case EMBEDDED -> {
                Path dir = config.llmModelDir();
                EmbeddedChatModel.Options options = new EmbeddedChatModel.Options(config.intraOpThreads(), true, config.maxImagePixels());
                loaded = ModelLoader.load(context, dir.getFileName().toString(), "chat", dir,
                        () -> EmbeddedChatModel.load(dir, options)).map(m -> (ChatModel) m);
            }
            default -> {
                log.info("no LLM: {}", NO_MODEL);
                loaded = Future.succeededFuture(null);
            }
        }
        return loaded.map(m -> {
            AssistantModel.Routing routing = AssistantModel.Routing.parse(config.assistantRouting());
            assistant = new AssistantModel(new BuiltInAssistant(Skills.builtIn(), m == null ? null : m.id()), m, routing, TOOL_LOOP);
            context.models().loaded(BuiltInAssistant.ID, "chat", 0, "built-in skills: clock, calculator, units, look, read"
                    + (m == null ? "" : "; routing " + routing.wireName() + " with " + m.id()));
            return m;
        }).onSuccess(m -> {
            model = m;
            generate = Workers.of(context).serve(LlmFeature.GENERATE, this::generate);
            cancel = vertx.eventBus().consumer(LlmFeature.GENERATE_CANCEL, msg -> {
                Cancellation c = running.get(msg.body());
                if (c != null) c.cancel();
                else cancelledEarly.put(msg.body(), true);
            });
        });
    }

    private void generate(Message<JsonObject> message) {
        ChatModel m = model;
        AssistantModel a = assistant;
        JsonObject body = message.body();
        String id = body.getString("id");
        ChatRequest request;
        JsonObject camera;
        try {
            // every answer is bounded, whoever asks (chat route, realtime, Wyoming): at most
            // max_answer_tokens, which is also the default when the caller sets none
            long cap = context.config().limit("max_answer_tokens");
            Long asked = body.getValue("max_tokens") instanceof Number n ? n.longValue() : null;
            request = BusChat.toRequest(body.copy().put("max_tokens", asked == null || asked > cap || asked < 1 ? cap : asked));
            camera = body.getJsonObject("observation");
        } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
            BusErrors.fail(message, ApiError.badRequest("invalid_request", "invalid request: " + e.getMessage()));
            return;
        }
        // no model named: the assistant's routing (skills first, by default); "assistant": the built-in one alone;
        // the LLM's own id: that model, never a skill; any other name is not served here (OpenAI's 404). Without
        // an LLM every name gets the built-in assistant, whose answer says how to add a model.
        String named = body.getString("model");
        boolean builtIn = m == null || BuiltInAssistant.ID.equals(named);
        boolean direct = m != null && m.id().equals(named);
        if (named != null && !builtIn && !direct) {
            BusErrors.fail(message, new ApiError(404, "invalid_request_error", "model_not_found", "The model '" + named
                    + "' does not exist here: use '" + m.id() + "' (the language model), '" + BuiltInAssistant.ID
                    + "' (the built-in skills alone) or leave model out (skills first, then the language model); GET /v1/models lists them.", "model"));
            return;
        }
        boolean spoken = Boolean.TRUE.equals(body.getValue("spoken"));
        // a full pool refuses new work (the chat route answers 503 + Retry-After) instead of queueing it
        var busy = context.overloaded("llm");
        if (busy != null) {
            BusErrors.fail(message, busy);
            return;
        }
        // the node lets the caller (BusStream) end the stream at once if this worker leaves the cluster
        message.reply(new JsonObject().put("accepted", id).put("model", builtIn ? BuiltInAssistant.ID : m.id())
                .put("node", Workers.of(context).nodeId()));
        Cancellation cancellation = new Cancellation();
        if (cancelledEarly.remove(id) != null) cancellation.cancel(); // the cancel overtook the request
        running.put(id, cancellation);
        long t0 = System.nanoTime();
        // the listener left without a cancel (client gone): stop between two tokens instead of running on for nobody
        BusStream.Emitter out = new BusStream.Emitter(vertx.eventBus(), body, cancellation::cancel);
        work.run(perception.gateway.core.WorkClass.INTERACTIVE, () -> {
            VisionDescriber vision = new VisionDescriber(context);
            TurnContext turn = new TurnContext(context.config().timezone(), camera, request, vision);
            TokenListener listener = BusChat.listener(out);
            if (builtIn) {
                return new AssistantModel.Reply(BuiltInAssistant.ID, a.builtIn().answer(request, turn, spoken, listener, cancellation));
            }
            UnaryOperator<ChatRequest> fuse = r -> r.withMessages(Fusion.prepare(r.messages(), new Fusion.Target(m.acceptsImages(),
                    m::countTokens, m.contextLength() > 0 ? Math.max(16, m.contextLength() * 3 / 4) : 0, 1100, vision)));
            // naming the model skips the skills-first shortcut; with routing "tools" the model still gets the skills as tools
            if (direct && a.routing() != AssistantModel.Routing.TOOLS) {
                return new AssistantModel.Reply(m.id(), m.chat(fuse.apply(request), listener, cancellation));
            }
            return a.answer(request, turn, spoken, fuse, listener, cancellation);
        }).onComplete(r -> {
            running.remove(id);
            context.inferenceTimer("llm").record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            if (r.succeeded()) {
                ChatResult result = r.result().result();
                context.meters().counter("perception.llm.generations", "finish", result.finishReason().wireName()).increment();
                out.end(BusChat.done(r.result().model(), result));
            } else {
                out.fail(toApiError(r.cause()));
            }
        });
    }

    /** The LLM's own failures, by type: an {@link LlmException} carries its status (a backend's failure is upstream). */
    static ApiError typed(Throwable t) {
        if (!(t instanceof LlmException e)) return null;
        String type = e.status() == 400 ? "invalid_request_error" : e.status() >= 500 && e.status() != 500 ? "upstream_error" : "server_error";
        if (e.status() >= 500 && e.status() != 500) log.warn("LLM backend failed: {}", e.getMessage());
        else if (e.status() == 500) log.error("LLM failed", e);
        return new ApiError(e.status(), type, e.code(), e.getMessage(), null);
    }

    static ApiError toApiError(Throwable t) {
        return BusErrors.of(t, "llm", LlmVerticle::typed);
    }

    /** How callers of the LLM name its absence and its timeouts. */
    public static final BusErrors.Sense SENSE = new BusErrors.Sense("llm", "llm_loading",
            "The language model is still loading (or failed to load): see /ready.", "The language model did not answer in time; try again.");

    /** The loaded chat model, or null (for /v1/models and tests). */
    public ChatModel model() {
        return model;
    }

    @Override
    public Future<?> stop() {
        running.values().forEach(Cancellation::cancel);
        Future<Void> a = generate == null ? Future.succeededFuture() : generate.unregister();
        Future<Void> b = cancel == null ? Future.succeededFuture() : cancel.unregister();
        // the cancelled generations end at their next token; the model closes once they have
        return Future.all(a, b).eventually(() -> work.close(() -> {
            ChatModel m = model;
            model = null;
            assistant = null;
            context.models().remove(BuiltInAssistant.ID);
            if (m != null) m.close();
        }));
    }

}
