package perception.gateway.realtime;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The settings of one realtime session, changed by {@code session.update}. Accepts the GA layout
 * ({@code session.audio.input.turn_detection}, {@code session.audio.output.voice}, formats as
 * {@code {"type":"audio/pcm","rate":24000}}) and the older flat one ({@code turn_detection},
 * {@code voice}, {@code input_audio_format: "pcm16"}). {@code video_session} (ours) links a
 * /v1/video session whose latest frame joins each turn.
 */
final class SessionConfig {
    static final String DEFAULT_INSTRUCTIONS = "You are a helpful voice assistant. Answer briefly, in plain spoken English.";

    String instructions = DEFAULT_INSTRUCTIONS;
    /** OpenAI's default name: it speaks with the gateway's default voice (speech.Voices). */
    String voice = "alloy";
    double speed = 1.0;
    int inputRate = 24000;
    int outputRate = 24000;
    boolean serverVad = true;
    float threshold = 0.5f;
    int prefixPaddingMs = 300;
    int silenceDurationMs = 500;
    /** Ours: the shorter silence that ends a turn which already sounds complete (server_vad). */
    int minSilenceDurationMs = 200;
    /**
     * server_vad or semantic_vad. The default session (no turn_detection from the client) is
     * server_vad with our word rules ({@link #wordRules}), or the turn model with
     * turn_model_default_session; a client's explicit server_vad is OpenAI's fixed
     * silence_duration_ms, or the word rules when it also gives min_silence_duration_ms;
     * semantic_vad is the turn model (by {@link #eagerness}) when it is loaded.
     */
    String turnType = "server_vad";
    String eagerness = "auto";
    /** No turn_detection from the client yet. */
    boolean defaultTurns = true;
    /** The word rules pick between min_silence_duration_ms and silence_duration_ms (server_vad). */
    boolean wordRules = true;
    /** Ours, semantic_vad: the words may veto the model's "complete" (null: the gateway's turn_model_word_veto). */
    Boolean wordVeto;
    boolean createResponse = true;
    boolean interruptResponse = true;
    List<String> modalities = List.of("audio");
    String videoSession;
    Integer maxOutputTokens = 256;
    Double temperature;
    /** Client functions and tool_choice, in the LLM bus form (see {@link RealtimeTools}). */
    JsonArray tools = new JsonArray();
    Object toolChoice = "auto";

    SessionConfig copy() {
        SessionConfig c = new SessionConfig();
        c.instructions = instructions;
        c.voice = voice;
        c.speed = speed;
        c.inputRate = inputRate;
        c.outputRate = outputRate;
        c.serverVad = serverVad;
        c.threshold = threshold;
        c.prefixPaddingMs = prefixPaddingMs;
        c.silenceDurationMs = silenceDurationMs;
        c.minSilenceDurationMs = minSilenceDurationMs;
        c.turnType = turnType;
        c.eagerness = eagerness;
        c.defaultTurns = defaultTurns;
        c.wordRules = wordRules;
        c.wordVeto = wordVeto;
        c.createResponse = createResponse;
        c.interruptResponse = interruptResponse;
        c.modalities = modalities;
        c.videoSession = videoSession;
        c.maxOutputTokens = maxOutputTokens;
        c.temperature = temperature;
        c.tools = tools;
        c.toolChoice = toolChoice;
        return c;
    }

    boolean audioOut() {
        return modalities.contains("audio");
    }

    /** Applies an update; throws IllegalArgumentException naming the bad field. Returns whether turn detection changed. */
    boolean apply(JsonObject s) {
        boolean turnsChanged = false;
        if (s.containsKey("instructions")) instructions = string(s, "instructions");
        JsonObject audio = s.getValue("audio") instanceof JsonObject a ? a : new JsonObject();
        JsonObject input = audio.getValue("input") instanceof JsonObject i ? i : new JsonObject();
        JsonObject output = audio.getValue("output") instanceof JsonObject o ? o : new JsonObject();
        if (output.containsKey("voice") || s.containsKey("voice")) {
            voice = output.containsKey("voice") ? string(output, "voice") : string(s, "voice");
        }
        Object sp = output.containsKey("speed") ? output.getValue("speed") : s.getValue("speed");
        if (sp != null) {
            if (!(sp instanceof Number n) || n.doubleValue() < 0.25 || n.doubleValue() > 4) throw new IllegalArgumentException("speed must be a number from 0.25 to 4");
            speed = n.doubleValue();
        }
        Object inFormat = input.containsKey("format") ? input.getValue("format") : s.getValue("input_audio_format");
        if (inFormat != null) {
            int rate = rate(inFormat, "input audio format");
            if (rate != inputRate) turnsChanged = true;
            inputRate = rate;
        }
        Object outFormat = output.containsKey("format") ? output.getValue("format") : s.getValue("output_audio_format");
        if (outFormat != null) outputRate = rate(outFormat, "output audio format");
        if (input.containsKey("turn_detection") || s.containsKey("turn_detection")) {
            Object td = input.containsKey("turn_detection") ? input.getValue("turn_detection") : s.getValue("turn_detection");
            turnDetection(td);
            turnsChanged = true;
        }
        if (s.containsKey("output_modalities") || s.containsKey("modalities")) {
            Object m = s.containsKey("output_modalities") ? s.getValue("output_modalities") : s.getValue("modalities");
            if (!(m instanceof JsonArray arr) || arr.isEmpty()) throw new IllegalArgumentException("output_modalities must be [\"audio\"] or [\"text\"]");
            List<String> list = arr.stream().map(String::valueOf).toList();
            for (String x : list) if (!x.equals("audio") && !x.equals("text")) throw new IllegalArgumentException("unknown modality '" + x + "': use audio or text");
            modalities = list;
        }
        if (s.containsKey("video_session")) videoSession = s.getValue("video_session") == null ? null : string(s, "video_session");
        Object max = s.getValue("max_output_tokens", s.getValue("max_response_output_tokens"));
        if (max != null) {
            if ("inf".equals(max)) maxOutputTokens = null;
            else if (max instanceof Number n && n.intValue() >= 1 && n.intValue() <= 4096) maxOutputTokens = n.intValue();
            else throw new IllegalArgumentException("max_output_tokens must be 1 to 4096 or \"inf\"");
        }
        if (s.containsKey("temperature")) {
            if (!(s.getValue("temperature") instanceof Number t) || t.doubleValue() < 0 || t.doubleValue() > 2) throw new IllegalArgumentException("temperature must be 0 to 2");
            temperature = t.doubleValue();
        }
        if (s.containsKey("tools")) {
            tools = RealtimeTools.parseTools(s.getValue("tools"));
            if (!s.containsKey("tool_choice") && toolChoice instanceof JsonObject) toolChoice = "auto";
        }
        if (s.containsKey("tool_choice")) toolChoice = RealtimeTools.parseChoice(s.getValue("tool_choice"), tools);
        return turnsChanged;
    }

    private void turnDetection(Object td) {
        if (defaultTurns) wordRules = false; // the client's own server_vad is OpenAI's fixed window unless it says otherwise
        defaultTurns = false;
        if (td == null) {
            serverVad = false;
            return;
        }
        if (!(td instanceof JsonObject t)) throw new IllegalArgumentException("turn_detection must be an object or null");
        String type = t.getString("type", "server_vad");
        if (type.equals("none")) {
            serverVad = false;
            return;
        }
        if (!type.equals("server_vad") && !type.equals("semantic_vad")) {
            throw new IllegalArgumentException("turn_detection.type '" + type + "' is not supported: use server_vad, semantic_vad or none");
        }
        serverVad = true;
        if (!type.equals(turnType)) { // a change of type starts from that type's own defaults
            eagerness = "auto";
            wordRules = false;
        }
        turnType = type;
        if (t.containsKey("min_silence_duration_ms")) {
            if (!type.equals("server_vad")) throw new IllegalArgumentException("turn_detection.min_silence_duration_ms belongs to type server_vad");
            wordRules = true;
        }
        if (t.containsKey("word_veto")) {
            if (!type.equals("semantic_vad")) throw new IllegalArgumentException("turn_detection.word_veto belongs to type semantic_vad");
            wordVeto = bool(t, "word_veto");
        }
        if (t.containsKey("eagerness")) {
            if (!type.equals("semantic_vad")) throw new IllegalArgumentException("turn_detection.eagerness belongs to type semantic_vad");
            if (!(t.getValue("eagerness") instanceof String e) || !List.of("low", "medium", "high", "auto").contains(e)) {
                throw new IllegalArgumentException("turn_detection.eagerness must be low, medium, high or auto");
            }
            eagerness = e;
        }
        if (t.containsKey("threshold")) {
            if (!(t.getValue("threshold") instanceof Number n) || n.doubleValue() <= 0 || n.doubleValue() >= 1) throw new IllegalArgumentException("turn_detection.threshold must be between 0 and 1");
            threshold = n.floatValue();
        }
        prefixPaddingMs = intIn(t, "prefix_padding_ms", prefixPaddingMs, 0, 5000);
        silenceDurationMs = intIn(t, "silence_duration_ms", silenceDurationMs, 0, 10000);
        minSilenceDurationMs = intIn(t, "min_silence_duration_ms", minSilenceDurationMs, 0, 10000);
        if (t.containsKey("create_response")) createResponse = bool(t, "create_response");
        if (t.containsKey("interrupt_response")) interruptResponse = bool(t, "interrupt_response");
    }

    /**
     * The silence that ends a turn, in ms, after words that sound complete / ordinary / unfinished
     * (see TurnEndPolicy), used where the turn model does not decide. server_vad: OpenAI's one
     * silence_duration_ms, or, with min_silence_duration_ms (ours), that after complete words and
     * silence_duration_ms after any others (an ordinary window of 350 ms, tried, answered 5 of 5
     * people who paused 300–450 ms after an ordinary phrase before they had finished).
     * semantic_vad (where the turn model is not loaded): by eagerness.
     */
    int[] silenceWindows() {
        if (turnType.equals("semantic_vad")) {
            return switch (eagerness) {
                case "high" -> new int[] {150, 300, 600};
                case "low" -> new int[] {400, 1000, 2500};
                default -> new int[] {200, 500, 1200}; // medium, auto
            };
        }
        if (!wordRules) return new int[] {silenceDurationMs, silenceDurationMs, silenceDurationMs};
        return new int[] {Math.min(minSilenceDurationMs, silenceDurationMs), silenceDurationMs, silenceDurationMs};
    }

    /**
     * What the turn model is asked for (the speech verticle uses it when the model is loaded), or
     * null when the words or a fixed window decide: semantic_vad, and the default session when
     * turn_model_default_session is set (measured on FreeTTS speech the model cut in far more often
     * than the word rules: docs/turn-taking.md). Eagerness moves the
     * gateway's threshold and longest silence: high answers sooner (threshold − 0.15, half the
     * silence), low waits longer (threshold + 0.2, twice the silence).
     */
    io.vertx.core.json.JsonObject turnModel(perception.gateway.core.GatewayConfig gateway) {
        if (!gateway.turnModel()) return null;
        if (defaultTurns ? !gateway.turnModelDefaultSession() : !turnType.equals("semantic_vad")) return null;
        double threshold = gateway.turnModelThreshold();
        int max = gateway.turnModelMaxSilenceMs();
        switch (eagerness) {
            case "high" -> {
                threshold = Math.max(0.05, threshold - 0.15);
                max = Math.max(200, max / 2);
            }
            case "low" -> {
                threshold = Math.min(0.95, threshold + 0.2);
                max = Math.min(10000, max * 2);
            }
            default -> { }
        }
        JsonObject m = new JsonObject().put("threshold", threshold).put("max_silence_ms", max);
        if (wordVeto != null) m.put("word_veto", wordVeto);
        return m;
    }

    private static int rate(Object format, String what) {
        if (format instanceof String s) {
            if (s.equals("pcm16")) return 24000;
            throw new IllegalArgumentException(what + " '" + s + "' is not supported: use pcm16 or {\"type\":\"audio/pcm\",\"rate\":24000|16000}");
        }
        if (format instanceof JsonObject f) {
            String type = f.getString("type", "audio/pcm");
            Object rate = f.getValue("rate", 24000);
            if (!type.equals("audio/pcm")) throw new IllegalArgumentException(what + " type '" + type + "' is not supported: use audio/pcm");
            if (!(rate instanceof Number n) || (n.intValue() != 24000 && n.intValue() != 16000)) {
                throw new IllegalArgumentException(what + " rate must be 24000 or 16000, got " + rate);
            }
            return n.intValue();
        }
        throw new IllegalArgumentException(what + " must be \"pcm16\" or {\"type\":\"audio/pcm\",\"rate\":24000}");
    }

    private static String string(JsonObject o, String key) {
        if (!(o.getValue(key) instanceof String s)) throw new IllegalArgumentException(key + " must be a string");
        return s;
    }

    private static boolean bool(JsonObject o, String key) {
        if (!(o.getValue(key) instanceof Boolean b)) throw new IllegalArgumentException("turn_detection." + key + " must be true or false");
        return b;
    }

    private static int intIn(JsonObject o, String key, int current, int min, int max) {
        if (!o.containsKey(key)) return current;
        if (!(o.getValue(key) instanceof Number n) || n.intValue() < min || n.intValue() > max) {
            throw new IllegalArgumentException("turn_detection." + key + " must be a whole number from " + min + " to " + max);
        }
        return n.intValue();
    }

    JsonObject toJson(String sessionId) {
        JsonObject td = !serverVad ? null
                : turnType.equals("semantic_vad")
                ? new JsonObject().put("type", "semantic_vad").put("eagerness", eagerness)
                        .put("create_response", createResponse).put("interrupt_response", interruptResponse)
                : new JsonObject().put("type", "server_vad").put("threshold", threshold).put("prefix_padding_ms", prefixPaddingMs)
                        .put("silence_duration_ms", silenceDurationMs).put("min_silence_duration_ms", minSilenceDurationMs)
                        .put("create_response", createResponse).put("interrupt_response", interruptResponse);
        return new JsonObject().put("id", sessionId).put("object", "realtime.session").put("type", "realtime")
                .put("model", "perception-gateway").put("instructions", instructions)
                .put("output_modalities", new JsonArray(modalities))
                .put("max_output_tokens", maxOutputTokens == null ? "inf" : maxOutputTokens)
                .put("video_session", videoSession)
                .put("tools", RealtimeTools.toJson(tools)).put("tool_choice", RealtimeTools.choiceToJson(toolChoice))
                .put("audio", new JsonObject()
                        .put("input", new JsonObject().put("format", new JsonObject().put("type", "audio/pcm").put("rate", inputRate))
                                .put("turn_detection", td)
                                .put("transcription", new JsonObject().put("model", "vosk-en")))
                        .put("output", new JsonObject().put("format", new JsonObject().put("type", "audio/pcm").put("rate", outputRate))
                                .put("voice", voice).put("speed", speed)));
    }
}
