package perception.gateway.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one configuration object. Each setting has a key ({@code max_body_mb}); it is read, lowest
 * precedence first, from the defaults, a JSON or YAML file ({@code --config FILE} or
 * {@code GATEWAY_CONFIG}), environment variables ({@code GATEWAY_MAX_BODY_MB}) and command-line
 * flags ({@code --max-body-mb 50}). Values are validated once, here; a bad one fails start-up with
 * a message naming the setting and how to fix it.
 */
public final class GatewayConfig {

    /** One known setting: key, default (null = unset) and what it does (also the tables of docs/configuration.md, checked by ConfigurationDocTest). */
    public record Setting(String key, String defaultValue, String description) {
        public String env() {
            return "GATEWAY_" + key.toUpperCase(Locale.ROOT);
        }

        public String flag() {
            return "--" + key.replace('_', '-');
        }

        /** A true/false setting: its flag alone ({@code --cluster}) means true. */
        public boolean isBoolean() {
            return "true".equals(defaultValue) || "false".equals(defaultValue);
        }
    }

    public static final List<String> ANALYZERS = perception.vision.Analyzer.names();

    public static final List<Setting> SETTINGS = List.of(
            new Setting("config", null, "JSON or YAML file with any of these settings (keys as in this table)"),
            new Setting("host", "127.0.0.1", "interface to listen on (0.0.0.0 for all)"),
            new Setting("port", "8080", "HTTP port (0 = any free port)"),
            new Setting("models_dir", "models", "folder holding the fetched models"),
            new Setting("speech", "true", "load speech recognition, synthesis and VAD"),
            new Setting("tts_voice", "en_US-joe-medium", "the voice OpenAI voice names (alloy, nova, ...) and unnamed requests speak with: a Piper voice of the catalog (loader piper), or kevin16 for FreeTTS; without espeak-ng or the Piper voice, FreeTTS kevin16 speaks"),
            new Setting("analyzers", "objects,faces,text,scene", "vision analyzers to load (comma list, empty for none)"),
            new Setting("llm_backend", "auto", "auto | gguf | embedded | remote | none (auto: remote if llm_url is set, else embedded if llm_model_dir is set, else gguf if llm_model_file is fetched, else embedded if smolvlm is fetched)"),
            new Setting("llm_model_file", null, "GGUF chat model run by llama.cpp: a .gguf file, or a catalog id such as qwen2.5-1.5b (default: smollm2-135m, <models_dir>/smollm2-135m/SmolLM2-135M-Instruct.Q4_1.gguf)"),
            new Setting("llm_slots", "2", "GGUF: conversations decoded at once, each with its own KV cache (the cache is reused by the next turn of the same conversation; least recently used evicted)"),
            new Setting("llm_context", "4096", "GGUF: tokens of context (and KV cache) per slot, at most the model's own; cache memory in total = llm_slots x llm_context tokens"),
            new Setting("llm_threads", null, "GGUF: llama.cpp compute threads (default: the thread budget, cores / inference_threads x llm_slots, at most the cores)"),
            new Setting("llm_model_dir", null, "embedded (ONNX) LLM folder (default: <models_dir>/smolvlm)"),
            new Setting("llm_url", null, "base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1"),
            new Setting("llm_api_key", null, "API key sent to llm_url"),
            new Setting("llm_model", null, "model name sent to llm_url"),
            new Setting("llm_vision", "false", "the llm_url model takes images (sent as data-URL image_url parts); otherwise images are replaced by the vision analysis"),
            new Setting("assistant_routing", "skills_first", "skills_first | llm | tools: who answers when an LLM is configured (skills_first: recognised skill intents at once, the rest by the LLM; llm: everything by the LLM; tools: the LLM with the skills as tools)"),
            new Setting("timezone", null, "the user's time zone for the clock skill, e.g. Europe/Paris (default: the server's)"),
            new Setting("llm_fetch_default", "true", "./run-gateway fetches the default chat model (smollm2-135m) on first start when no LLM is configured; false turns that off"),
            new Setting("turn_model", "true", "load Smart Turn v3 (models/smart-turn-v3): realtime semantic_vad sessions end turns by the sound; false (or the model not fetched): by the words heard"),
            new Setting("turn_model_default_session", "false", "the turn model also ends the turns of the default realtime session (no turn_detection sent) and Wyoming's voice-stopped; false: the word rules, as the model cut in on synthetic speech (docs/turn-taking.md)"),
            new Setting("turn_model_threshold", "0.5", "Smart Turn probability at or above which a pause ends the turn (eagerness auto/medium; high lowers it by 0.15, low raises it by 0.2)"),
            new Setting("turn_model_max_silence_ms", "1500", "silence that ends a turn whatever the model says (eagerness auto/medium; high: half, low: double)"),
            new Setting("turn_model_recheck_ms", "200", "while the model says 'incomplete', it judges again after every this much more silence"),
            new Setting("turn_model_word_veto", "false", "a 'complete' from the model waits when the words end on a hanging word (and, the, to, um...)"),
            new Setting("max_body_mb", "25", "largest request body accepted, in MB (larger → 413)"),
            new Setting("max_image_megapixels", "40", "largest image accepted, in megapixels, checked before decoding"),
            new Setting("inference_threads", String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())),
                    "worker threads per inference pool; each ONNX Runtime session (vision, embedded LLM) then gets cores / inference_threads"
                    + " threads of its own (at least 1), so the threads of one pool's parallel runs do not outnumber the cores"),
            new Setting("shutdown_timeout_s", "10", "on SIGTERM, how long in-flight work may drain"),
            new Setting("native_trim_s", "15", "every this many seconds, freed native memory (OpenCV, FFmpeg, ONNX Runtime) is handed back to the OS with glibc's malloc_trim (0 = never)"),
            // ---- voice first under load (issue #16): see docs/architecture.md, "Voice first" ----
            new Setting("scheduler", "priority", "priority | fifo: priority starts interactive work (voice turns) before best-effort work (video frames, file analysis); fifo runs each pool in arrival order"),
            new Setting("reserved_interactive_threads", "1", "threads (of inference_threads) best-effort work never takes, kept free for voice turns"),
            new Setting("best_effort_max_wait_ms", "1000", "a best-effort job that has waited this long starts even while interactive work waits (so video never starves)"),
            new Setting("vision_threads", null, "ONNX Runtime threads per vision model run (default: the thread budget, cores / inference_threads; 0 = ONNX Runtime chooses, i.e. every core)"),
            new Setting("video_max_fps", "0", "most frames per second any /v1/video session analyses (0 = no cap; a session may ask for fewer)"),
            // ---- limits, timeouts, keys and TLS against hostile traffic (issue #12); see LIMITS below ----
            new Setting("header_timeout_s", "10", "a new connection must send its request headers within this many seconds"),
            new Setting("body_timeout_s", "120", "a request body must arrive in full within this many seconds (then the connection is closed)"),
            new Setting("idle_timeout_s", "300", "close a connection that sends nothing for this long (WebSockets are pinged every third of it; live clients answer)"),
            new Setting("ws_max_frame_kb", "1024", "largest WebSocket frame, in KB (larger: close 1009)"),
            new Setting("ws_max_message_mb", "16", "largest WebSocket message, in MB (larger: close 1009)"),
            new Setting("ws_max_queued_kb", "1024", "output queued for one slow WebSocket client, in KB, before the gateway stops reading from it"),
            new Setting("slow_consumer_s", "30", "close (1008) a WebSocket whose client reads none of its queued output for this long"),
            new Setting("max_audio_seconds", "1800", "longest audio file accepted for transcription (checked from the header before decoding, then while decoding at 16 kHz)"),
            new Setting("speech_max_seconds", "600", "most seconds of audio one /v1/audio/speech request makes (more: 400 audio_too_long, or the stream aborted if audio was already sent)"),
            new Setting("stream_max_message_seconds", "10", "most audio in one /v1/audio/stream message (more: close 1009)"),
            new Setting("stream_max_session_seconds", "3600", "most audio in one /v1/audio/stream session (more: close 1008)"),
            new Setting("pool_queue", "32", "jobs waiting per inference pool; beyond it new work gets 503 with Retry-After"),
            new Setting("key_rps", "50", "requests per second per API key (more: 429 with Retry-After)"),
            new Setting("key_max_sessions", "16", "WebSocket sessions open at once per API key (more: 429)"),
            new Setting("api_keys", null, "API keys (comma list) clients send as Authorization: Bearer KEY; none set = no authentication"),
            new Setting("api_keys_file", null, "file with one API key per line (added to api_keys)"),
            new Setting("open_paths", "/health,/ready", "paths answered without a key when keys are set (add /metrics for an open scrape)"),
            new Setting("allow_open_bind", "false", "true to start on a non-loopback host without API keys (anyone who can reach the port can use it)"),
            new Setting("tls_cert", null, "PEM certificate (chain) file: serve https:// and wss://, HTTP/2 via ALPN where clients ask"),
            new Setting("tls_key", null, "PEM private key file for tls_cert"),
            new Setting("allowed_origins", null, "web pages (origins, comma list, * for any) that may call the gateway besides its own and localhost's"),
            new Setting("realtime_max_item_kb", "1024", "largest realtime conversation item (text and images as JSON), in KB; larger items are refused"),
            new Setting("realtime_max_session_seconds", "3600", "most input audio in one /v1/realtime session (more: close 1008)"),
            new Setting("max_answer_tokens", "4096", "most tokens in one LLM answer: the default max_tokens, and a chat request asking for more gets 400"),
            new Setting("log_level", "info", "trace | debug | info | warn | error"),
            new Setting("wyoming_port", null, "Wyoming (Home Assistant voice) TCP port; unset = off, 0 = any free port"),
            new Setting("wyoming_host", null, "interface the Wyoming server listens on (default: host)"),
            // ---- cluster (issue #14); read and checked by ClusterSettings ----
            new Setting("cluster", "false", "join a Vert.x cluster (Hazelcast, TCP/IP members, no multicast); false = one node"),
            new Setting("role", "all", "all | gateway | worker: gateway nodes serve HTTP/WebSocket, worker nodes load models and serve the senses"),
            new Setting("senses", "all", "the senses a worker (or all) node serves: all, or a comma list of their names, e.g. speech,vision"),
            new Setting("cluster_host", "127.0.0.1", "interface Hazelcast and the clustered event bus bind to"),
            new Setting("cluster_port", "5701", "Hazelcast member port (the next free one is taken if busy)"),
            new Setting("cluster_bus_port", "0", "event-bus TCP port between nodes (0 = any free port)"),
            new Setting("cluster_public_host", null, "address other nodes reach this one at (default: cluster_host), e.g. a container's service name"),
            new Setting("cluster_members", null, "Hazelcast members to join, comma list of host:port (default: cluster_host:cluster_port)"));

    /** The settings of the limits block above, each a whole number above 0, read with {@link #limit}. */
    static final List<String> LIMITS = List.of("header_timeout_s", "body_timeout_s", "idle_timeout_s", "ws_max_frame_kb",
            "ws_max_message_mb", "ws_max_queued_kb", "slow_consumer_s", "max_audio_seconds", "speech_max_seconds", "stream_max_message_seconds",
            "stream_max_session_seconds", "pool_queue", "realtime_max_item_kb", "key_rps", "key_max_sessions",
            "realtime_max_session_seconds", "max_answer_tokens");

    private static final Map<String, Setting> BY_KEY = SETTINGS.stream()
            .collect(Collectors.toMap(Setting::key, s -> s, (a, b) -> a, LinkedHashMap::new));

    private final Map<String, String> values;

    private GatewayConfig(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** Defaults only; for tests that override a few settings with {@link #with}. */
    public static GatewayConfig defaults() {
        return load(new String[0], Map.of());
    }

    /** Reads every source in order of precedence and validates the result. */
    public static GatewayConfig load(String[] args, Map<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>();
        for (Setting s : SETTINGS) {
            if (s.defaultValue() != null) v.put(s.key(), s.defaultValue());
        }
        Map<String, String> fromEnv = fromEnv(env);
        Map<String, String> fromFlags = fromFlags(args);
        String file = fromFlags.getOrDefault("config", fromEnv.get("config"));
        if (file != null) v.putAll(fromFile(Path.of(file)));
        v.putAll(fromEnv);
        v.putAll(fromFlags);
        GatewayConfig config = new GatewayConfig(v);
        config.validate();
        return config;
    }

    /** A copy with some settings replaced (validated like any other source). */
    public GatewayConfig with(String... keyValues) {
        Map<String, String> v = new LinkedHashMap<>(values);
        for (int i = 0; i < keyValues.length; i += 2) {
            known(keyValues[i], "with()");
            v.put(keyValues[i], keyValues[i + 1]);
        }
        GatewayConfig config = new GatewayConfig(v);
        config.validate();
        return config;
    }

    private static Map<String, String> fromEnv(Map<String, String> env) {
        Map<String, String> v = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith("GATEWAY_")) return;
            String key = name.substring("GATEWAY_".length()).toLowerCase(Locale.ROOT);
            known(key, "environment variable " + name);
            v.put(key, value);
        });
        return v;
    }

    private static Map<String, String> fromFlags(String[] args) {
        Map<String, String> v = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new ConfigException("unexpected argument '" + a + "': settings are given as --name value (a true/false setting's"
                        + " flag alone means true, e.g. --cluster); see --help");
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String key = name.replace('-', '_');
            known(key, "flag --" + name);
            if (value == null) {
                String next = i + 1 < args.length ? args[i + 1] : null;
                if (BY_KEY.get(key).isBoolean()) {
                    // a bare boolean flag means true; "--cluster false" still reads its value
                    boolean takesNext = next != null && ("true".equalsIgnoreCase(next) || "false".equalsIgnoreCase(next));
                    if (!takesNext && next != null && !next.startsWith("-")) {
                        throw new ConfigException(key + " must be true or false, got '" + next + "': fix " + BY_KEY.get(key).env()
                                + " or " + BY_KEY.get(key).flag() + " (alone, " + BY_KEY.get(key).flag() + " means true)");
                    }
                    value = takesNext ? args[++i] : "true";
                } else if (next != null) {
                    value = args[++i];
                } else {
                    throw new ConfigException("flag " + a + " needs a value, e.g. " + a + " VALUE");
                }
            }
            v.put(key, value);
        }
        return v;
    }

    private static Map<String, String> fromFile(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException("config file " + file + " does not exist: fix --config / GATEWAY_CONFIG");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".yaml") || name.endsWith(".yml") ? new ObjectMapper(new YAMLFactory()) : new ObjectMapper();
        JsonNode root;
        try {
            root = mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " is not valid " + (name.endsWith("json") ? "JSON" : "JSON/YAML") + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject()) throw new ConfigException("config file " + file + " must hold an object of settings, e.g. {\"port\": 8080}");
        Map<String, String> v = new LinkedHashMap<>();
        root.fields().forEachRemaining(e -> {
            known(e.getKey(), "key '" + e.getKey() + "' in " + file);
            JsonNode n = e.getValue();
            if (n.isArray()) {
                List<String> items = new ArrayList<>();
                n.forEach(item -> items.add(item.asText()));
                v.put(e.getKey(), String.join(",", items));
            } else if (n.isNull()) {
                v.remove(e.getKey());
            } else if (n.isValueNode()) {
                v.put(e.getKey(), n.asText());
            } else {
                throw new ConfigException("key '" + e.getKey() + "' in " + file + " must be a plain value or a list");
            }
        });
        return v;
    }

    private static void known(String key, String where) {
        if (!BY_KEY.containsKey(key)) {
            throw new ConfigException("unknown setting from " + where + ". Known settings: "
                    + String.join(", ", BY_KEY.keySet()));
        }
    }

    private void validate() {
        port();
        if (host().isBlank()) throw new ConfigException("host is empty: set GATEWAY_HOST or --host (127.0.0.1, 0.0.0.0, ...)");
        analyzers();
        llmBackend();
        llmSlots();
        llmContext();
        llmThreads();
        positive("max_body_mb");
        positive("max_image_megapixels");
        positive("inference_threads");
        positive("shutdown_timeout_s");
        nativeTrimSeconds();
        scheduler();
        reservedInteractiveThreads();
        visionThreads();
        bestEffortMaxWaitMillis();
        videoMaxFps();
        LIMITS.forEach(this::positive);
        bool("allow_open_bind");
        if ((raw("tls_cert") == null) != (raw("tls_key") == null)) {
            throw new ConfigException("TLS needs both tls_cert and tls_key (PEM files): set GATEWAY_TLS_CERT and GATEWAY_TLS_KEY, or neither");
        }
        for (String k : List.of("tls_cert", "tls_key")) {
            if (raw(k) != null && !Files.isReadable(Path.of(raw(k)))) {
                throw new ConfigException(k + " file " + raw(k) + " cannot be read: fix " + BY_KEY.get(k).env() + " or " + BY_KEY.get(k).flag());
            }
        }
        if (apiKeys().isEmpty() && !loopback(host()) && !bool("allow_open_bind")) {
            throw new ConfigException("host " + host() + " is reachable beyond this machine but no API keys are set: set GATEWAY_API_KEYS"
                    + " (or GATEWAY_API_KEYS_FILE), or --allow-open-bind true to serve anyone who can reach the port");
        }
        if (wyomingPort() != null && !loopback(wyomingHost()) && !bool("allow_open_bind")) {
            throw new ConfigException("the Wyoming server on " + wyomingHost() + " would be reachable beyond this machine, and the Wyoming"
                    + " protocol carries no API keys: set GATEWAY_WYOMING_HOST=127.0.0.1, or --allow-open-bind true to serve Home Assistant"
                    + " on the network (HTTP still asks for the API keys when they are set)");
        }
        if (llmBackend() == LlmBackend.REMOTE && llmUrl() == null) {
            throw new ConfigException("llm_backend is remote but llm_url is not set: set GATEWAY_LLM_URL (e.g. http://localhost:11434/v1)");
        }
        if (llmUrl() != null && !llmUrl().matches("https?://.+")) {
            throw new ConfigException("llm_url '" + llmUrl() + "' must start with http:// or https://");
        }
        bool("speech");
        turnModel();
        turnModelDefaultSession();
        turnModelThreshold();
        turnModelMaxSilenceMs();
        turnModelRecheckMs();
        turnModelWordVeto();
        bool("llm_vision");
        wyomingPort();
        bool("llm_fetch_default");
        assistantRouting();
        timezone();
        ClusterSettings.of(this);
        if (!List.of("trace", "debug", "info", "warn", "error").contains(logLevel())) {
            throw new ConfigException("log_level must be trace, debug, info, warn or error, got '" + logLevel() + "'");
        }
    }

    public String logLevel() {
        return raw("log_level") == null ? "info" : raw("log_level").toLowerCase(Locale.ROOT);
    }

    private String raw(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private long number(String key) {
        String v = raw(key);
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException | NullPointerException e) {
            throw new ConfigException(key + " must be a whole number, got '" + v + "': fix " + BY_KEY.get(key).env() + " or " + BY_KEY.get(key).flag());
        }
    }

    private long positive(String key) {
        long n = number(key);
        if (n <= 0) throw new ConfigException(key + " must be above 0, got " + n + ": fix " + BY_KEY.get(key).env() + " or " + BY_KEY.get(key).flag());
        return n;
    }

    private boolean bool(String key) {
        String v = raw(key);
        if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v)) return Boolean.parseBoolean(v);
        throw new ConfigException(key + " must be true or false, got '" + v + "': fix " + BY_KEY.get(key).env() + " or " + BY_KEY.get(key).flag());
    }

    public String get(String key) {
        known(key, "get()");
        return raw(key);
    }

    /** The API keys from api_keys and api_keys_file (blank lines and # comments skipped); empty = no authentication. */
    public Set<String> apiKeys() {
        Set<String> keys = new java.util.LinkedHashSet<>();
        if (raw("api_keys") != null) Arrays.stream(raw("api_keys").split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
        if (raw("api_keys_file") != null) {
            try {
                Files.readAllLines(Path.of(raw("api_keys_file"))).stream().map(String::trim)
                        .filter(k -> !k.isEmpty() && !k.startsWith("#")).forEach(keys::add);
            } catch (IOException e) {
                throw new ConfigException("api_keys_file " + raw("api_keys_file") + " cannot be read (" + e.getMessage() + "): fix GATEWAY_API_KEYS_FILE or --api-keys-file");
            }
        }
        return keys;
    }

    private static boolean loopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** One of the {@link #LIMITS} settings (validated above 0 at load). */
    public long limit(String key) {
        if (!LIMITS.contains(key)) throw new IllegalArgumentException(key + " is not a limit setting");
        return positive(key);
    }

    public String host() {
        return raw("host") == null ? "" : raw("host");
    }

    public int port() {
        long p = number("port");
        if (p < 0 || p > 65535) throw new ConfigException("port must be between 0 and 65535, got " + p + ": fix GATEWAY_PORT or --port");
        return (int) p;
    }

    /** The Wyoming server's port, or null when it is off (the default). */
    public Integer wyomingPort() {
        if (raw("wyoming_port") == null) return null;
        long p = number("wyoming_port");
        if (p < 0 || p > 65535) throw new ConfigException("wyoming_port must be between 0 and 65535 (or unset for off), got " + p + ": fix GATEWAY_WYOMING_PORT or --wyoming-port");
        return (int) p;
    }

    public String wyomingHost() {
        return raw("wyoming_host") == null ? host() : raw("wyoming_host");
    }

    public Path modelsDir() {
        return Path.of(raw("models_dir") == null ? "models" : raw("models_dir"));
    }

    public boolean speechEnabled() {
        return bool("speech");
    }

    /** The default voice (tts_voice): a Piper voice id, or kevin16. */
    public String ttsVoice() {
        String v = raw("tts_voice");
        if (v == null || v.isBlank()) throw new ConfigException("tts_voice must name a voice, e.g. en_US-joe-medium or kevin16: fix GATEWAY_TTS_VOICE or --tts-voice");
        return v.strip();
    }

    public Set<String> analyzers() {
        String v = raw("analyzers");
        if (v == null) return Set.of();
        Set<String> set = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(java.util.LinkedHashSet::new));
        for (String a : set) {
            if (!ANALYZERS.contains(a)) throw new ConfigException("unknown analyzer '" + a + "' in analyzers; choose from " + ANALYZERS);
        }
        return Collections.unmodifiableSet(set);
    }

    public LlmBackend llmBackend() {
        String v = raw("llm_backend") == null ? "auto" : raw("llm_backend").toLowerCase(Locale.ROOT);
        LlmBackend b = LlmBackend.of(v);
        if (b == null) throw new ConfigException("llm_backend must be one of " + LlmBackend.names() + ", got '" + v + "'");
        return b;
    }

    /** The loader name of the default embedded chat model in models.json. */
    public static final String EMBEDDED_LLM = "embedded-llm";
    /** The loader name of the default GGUF chat model in models.json. */
    public static final String GGUF_LLM = "gguf-llm";

    /** The GGUF chat model file: llm_model_file, by default the catalog's gguf-llm model under models_dir. */
    public Path llmModelFile() {
        String v = raw("llm_model_file");
        if (v == null) return ModelCatalog.bundled().forLoader(GGUF_LLM).file(modelsDir(), "model");
        // a catalog id (qwen2.5-1.5b) names that model's file under models_dir
        for (ModelCatalog.Model m : ModelCatalog.bundled().models()) {
            if (m.id().equals(v) && m.loader().equals(GGUF_LLM)) return m.file(modelsDir(), "model");
        }
        return Path.of(v);
    }

    /** Whether llm_model_file was set (a GGUF model asked for by name). */
    public boolean llmModelFileSet() {
        return raw("llm_model_file") != null;
    }

    /** Whether llm_model_dir was set (an ONNX model asked for by name). */
    public boolean llmModelDirSet() {
        return raw("llm_model_dir") != null;
    }

    public int llmSlots() {
        long n = number("llm_slots");
        if (n < 1 || n > 64) throw new ConfigException("llm_slots must be 1 to 64, got " + n + ": fix GATEWAY_LLM_SLOTS or --llm-slots");
        return (int) n;
    }

    public int llmContext() {
        long n = number("llm_context");
        if (n < 256 || n > 1_048_576) throw new ConfigException("llm_context must be 256 to 1048576 tokens, got " + n + ": fix GATEWAY_LLM_CONTEXT or --llm-context");
        return (int) n;
    }

    /**
     * llama.cpp threads: llm_threads, else the thread budget. llama.cpp decodes all its slots in one
     * batch, so its share is one ONNX session's (cores / inference_threads) per slot, at most the cores.
     */
    public int llmThreads() {
        if (raw("llm_threads") != null) {
            long n = number("llm_threads");
            if (n < 1 || n > 1024) throw new ConfigException("llm_threads must be 1 to 1024, got " + n + ": fix GATEWAY_LLM_THREADS or --llm-threads");
            return (int) n;
        }
        return Math.min(Runtime.getRuntime().availableProcessors(), intraOpThreads() * llmSlots());
    }

    /** The embedded LLM folder: llm_model_dir, by default the catalog's embedded-llm model under models_dir. */
    public Path llmModelDir() {
        return raw("llm_model_dir") != null ? Path.of(raw("llm_model_dir"))
                : ModelCatalog.bundled().forLoader(EMBEDDED_LLM).dir(modelsDir());
    }

    public String llmUrl() {
        return raw("llm_url");
    }

    public String llmApiKey() {
        return raw("llm_api_key");
    }

    public String llmModel() {
        return raw("llm_model");
    }

    public boolean llmVision() {
        return bool("llm_vision");
    }

    public static final List<String> ASSISTANT_ROUTINGS = List.of("skills_first", "llm", "tools");

    public String assistantRouting() {
        String v = raw("assistant_routing") == null ? "skills_first" : raw("assistant_routing").toLowerCase(Locale.ROOT);
        if (!ASSISTANT_ROUTINGS.contains(v)) {
            throw new ConfigException("assistant_routing must be one of " + ASSISTANT_ROUTINGS + ", got '" + v + "': fix GATEWAY_ASSISTANT_ROUTING or --assistant-routing");
        }
        return v;
    }

    /** The user's zone for the clock: the timezone setting, by default the server's. */
    public java.time.ZoneId timezone() {
        String v = raw("timezone");
        if (v == null) return java.time.ZoneId.systemDefault();
        try {
            return java.time.ZoneId.of(v);
        } catch (java.time.DateTimeException e) {
            throw new ConfigException("timezone '" + v + "' is not a time zone: use an IANA id such as Europe/Paris or America/New_York (GATEWAY_TIMEZONE or --timezone)");
        }
    }

    public boolean llmFetchDefault() {
        return bool("llm_fetch_default");
    }

    public long maxBodyBytes() {
        return positive("max_body_mb") * 1024 * 1024;
    }

    public long maxImagePixels() {
        return positive("max_image_megapixels") * 1_000_000;
    }

    public int inferenceThreads() {
        return (int) positive("inference_threads");
    }

    /**
     * ONNX Runtime intra-op threads per session, from the one thread budget: a pool runs up to
     * inference_threads jobs at once, each session gets cores / inference_threads threads (at least 1),
     * so pool threads × ORT threads stay within the cores instead of every session sizing itself to
     * all of them (N pool threads × N ORT threads before).
     */
    public int intraOpThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / inferenceThreads());
    }

    /** "priority" or "fifo". */
    public String scheduler() {
        String s = raw("scheduler");
        if (!"priority".equals(s) && !"fifo".equals(s)) {
            throw new ConfigException("scheduler must be priority or fifo, got '" + s + "': fix GATEWAY_SCHEDULER or --scheduler");
        }
        return s;
    }

    public int reservedInteractiveThreads() {
        long n = number("reserved_interactive_threads");
        if (n < 0 || n > 256) {
            throw new ConfigException("reserved_interactive_threads must be 0 to 256, got " + n
                    + ": fix GATEWAY_RESERVED_INTERACTIVE_THREADS or --reserved-interactive-threads");
        }
        return (int) n;
    }

    /** Most best-effort jobs running at once over all pools: inference_threads less the reserved ones, at least 1. */
    public int bestEffortThreads() {
        return Math.max(1, inferenceThreads() - reservedInteractiveThreads());
    }

    public long bestEffortMaxWaitMillis() {
        long n = number("best_effort_max_wait_ms");
        if (n < 0) throw new ConfigException("best_effort_max_wait_ms must be 0 or more, got " + n + ": fix GATEWAY_BEST_EFFORT_MAX_WAIT_MS or --best-effort-max-wait-ms");
        return n;
    }

    /** ONNX Runtime threads per vision run: vision_threads when set (0: ONNX Runtime chooses, every core), else the budget ({@link #intraOpThreads}). */
    public int visionThreads() {
        if (raw("vision_threads") == null) return intraOpThreads();
        long n = number("vision_threads");
        if (n < 0 || n > 256) throw new ConfigException("vision_threads must be 0 (ONNX Runtime chooses) to 256, got " + n + ": fix GATEWAY_VISION_THREADS or --vision-threads");
        return (int) n;
    }

    /** Whether realtime turns end by the Smart Turn model (when it is fetched). */
    public boolean turnModel() {
        return bool("turn_model");
    }

    public boolean turnModelDefaultSession() {
        return bool("turn_model_default_session");
    }

    public double turnModelThreshold() {
        double f;
        try {
            f = Double.parseDouble(raw("turn_model_threshold"));
        } catch (NumberFormatException | NullPointerException e) {
            f = -1;
        }
        if (!(f >= 0.05 && f <= 0.95)) throw new ConfigException("turn_model_threshold must be a number from 0.05 to 0.95, got '" + raw("turn_model_threshold") + "': fix GATEWAY_TURN_MODEL_THRESHOLD or --turn-model-threshold");
        return f;
    }

    public int turnModelMaxSilenceMs() {
        long n = number("turn_model_max_silence_ms");
        if (n < 200 || n > 5000) throw new ConfigException("turn_model_max_silence_ms must be 200 to 5000, got " + n + ": fix GATEWAY_TURN_MODEL_MAX_SILENCE_MS or --turn-model-max-silence-ms");
        return (int) n;
    }

    public int turnModelRecheckMs() {
        long n = number("turn_model_recheck_ms");
        if (n < 32 || n > 2000) throw new ConfigException("turn_model_recheck_ms must be 32 to 2000, got " + n + ": fix GATEWAY_TURN_MODEL_RECHECK_MS or --turn-model-recheck-ms");
        return (int) n;
    }

    public boolean turnModelWordVeto() {
        return bool("turn_model_word_veto");
    }

    public double videoMaxFps() {
        double f;
        try {
            f = Double.parseDouble(raw("video_max_fps"));
        } catch (NumberFormatException | NullPointerException e) {
            f = -1;
        }
        if (!(f >= 0 && f <= 60)) throw new ConfigException("video_max_fps must be a number from 0 (no cap) to 60, got '" + raw("video_max_fps") + "': fix GATEWAY_VIDEO_MAX_FPS or --video-max-fps");
        return f;
    }

    /** Seconds between malloc_trim calls; 0 = never. */
    public long nativeTrimSeconds() {
        long n = number("native_trim_s");
        if (n < 0) throw new ConfigException("native_trim_s must be 0 (never) or more, got " + n + ": fix GATEWAY_NATIVE_TRIM_S or --native-trim-s");
        return n;
    }

    public long shutdownTimeoutMillis() {
        return positive("shutdown_timeout_s") * 1000;
    }

    /** The effective settings, for the start-up log and /ready (the API key masked). */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>(values);
        if (d.containsKey("llm_api_key")) d.put("llm_api_key", "***");
        if (d.containsKey("api_keys")) d.put("api_keys", "***");
        return d;
    }

    /** A configuration mistake: start-up stops and prints the message. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
