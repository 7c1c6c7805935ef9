package perception.llm.embedded;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import perception.llm.ChatMessage;
import perception.llm.ContentPart;
import perception.llm.ToolCall;
import perception.llm.ToolSpec;

/**
 * A model's chat template rendered with Jinja the way transformers' apply_chat_template does:
 * trim_blocks and lstrip_blocks on, {@code raise_exception}, {@code strftime_now}, and a
 * {@code tojson} filter with Python's json.dumps separators. The template comes from
 * chat_template.jinja, chat_template.json or tokenizer_config.json (first found).
 */
public final class ChatTemplate {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String template;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinja;

    public ChatTemplate(String template, Map<String, Object> specialTokens) {
        this.template = template;
        this.specialTokens = specialTokens;
        this.jinja = new Jinjava(JinjavaConfig.newBuilder().withTrimBlocks(true).withLstripBlocks(true)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} strips like Jinja2
                        .withParseWhitespaceControlStrictly(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build());
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
        jinja.getGlobalContext().registerFilter(new PythonJsonFilter());
    }

    public static ChatTemplate load(Path dir) throws IOException {
        Map<String, Object> specials = new LinkedHashMap<>();
        JsonNode tokenizerConfig = null;
        Path tc = dir.resolve("tokenizer_config.json");
        if (Files.isRegularFile(tc)) {
            tokenizerConfig = JSON.readTree(tc.toFile());
            for (String key : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
                JsonNode v = tokenizerConfig.get(key);
                if (v != null && v.isTextual()) specials.put(key, v.asText());
                else if (v != null && v.has("content")) specials.put(key, v.get("content").asText());
            }
        }
        String template = null;
        if (Files.isRegularFile(dir.resolve("chat_template.jinja"))) {
            template = Files.readString(dir.resolve("chat_template.jinja"));
        } else if (Files.isRegularFile(dir.resolve("chat_template.json"))) {
            template = JSON.readTree(dir.resolve("chat_template.json").toFile()).path("chat_template").asText(null);
        } else if (tokenizerConfig != null && tokenizerConfig.has("chat_template")) {
            JsonNode t = tokenizerConfig.get("chat_template");
            if (t.isTextual()) template = t.asText();
            else if (t.isArray()) for (JsonNode named : t) if ("default".equals(named.path("name").asText())) template = named.path("template").asText();
        }
        if (template == null) throw new IOException("no chat template in " + dir + " (chat_template.jinja, chat_template.json or tokenizer_config.json)");
        return new ChatTemplate(template, specials);
    }

    public Map<String, Object> specialTokens() {
        return specialTokens;
    }

    /**
     * Renders the conversation. With {@code contentAsParts} (VLM processors) each content is a list
     * of {"type":"text","text":…} / {"type":"image"} parts; otherwise a plain string, as text
     * tokenizers' templates expect.
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt, boolean contentAsParts) {
        return render(messages, List.of(), addGenerationPrompt, contentAsParts);
    }

    /**
     * As above, with the tools offered: bound to {@code tools} as transformers passes them
     * ({@code {"type":"function","function":{name, description, parameters}}}), and assistant tool
     * calls / tool results in the messages as transformers' templates read them ({@code tool_calls}
     * with {@code arguments} as an object, {@code tool_call_id}). No tools: {@code tools} is unset.
     */
    public String render(List<ChatMessage> messages, List<ToolSpec> tools, boolean addGenerationPrompt, boolean contentAsParts) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> msg = new LinkedHashMap<>();
            msg.put("role", m.role().wireName());
            if (contentAsParts) {
                List<Map<String, Object>> parts = new ArrayList<>();
                for (ContentPart p : m.parts()) {
                    if (p instanceof ContentPart.Text t) parts.add(Map.of("type", "text", "text", t.text()));
                    else parts.add(Map.of("type", "image"));
                }
                // a turn that only called tools has no parts; VLM templates read content[0]
                if (parts.isEmpty()) parts.add(Map.of("type", "text", "text", ""));
                msg.put("content", parts);
            } else {
                msg.put("content", m.text());
            }
            if (!m.toolCalls().isEmpty()) {
                List<Map<String, Object>> calls = new ArrayList<>();
                for (ToolCall c : m.toolCalls()) {
                    Map<String, Object> function = new LinkedHashMap<>();
                    function.put("name", c.name());
                    function.put("arguments", argumentsObject(c.arguments()));
                    Map<String, Object> call = new LinkedHashMap<>();
                    call.put("id", c.id());
                    call.put("type", "function");
                    call.put("function", function);
                    calls.add(call);
                }
                msg.put("tool_calls", calls);
            }
            if (m.toolCallId() != null) msg.put("tool_call_id", m.toolCallId());
            list.add(msg);
        }
        Map<String, Object> bindings = new LinkedHashMap<>(specialTokens);
        if (!tools.isEmpty()) {
            List<Map<String, Object>> specs = new ArrayList<>();
            for (ToolSpec t : tools) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", t.name());
                function.put("description", t.description());
                function.put("parameters", JSON.convertValue(t.parameters(), Map.class));
                Map<String, Object> spec = new LinkedHashMap<>();
                spec.put("type", "function");
                spec.put("function", function);
                specs.add(spec);
            }
            bindings.put("tools", specs);
        }
        bindings.put("messages", list);
        bindings.put("add_generation_prompt", addGenerationPrompt);
        return render(bindings);
    }

    /** Arguments JSON as a map for the template (transformers passes a dict); text that does not parse stays text. */
    private static Object argumentsObject(String arguments) {
        try {
            JsonNode n = JSON.readTree(arguments);
            if (n != null && n.isObject()) return JSON.convertValue(n, Map.class);
        } catch (IOException | RuntimeException ignored) {
            // a model's malformed arguments, replayed as they were written
        }
        return arguments;
    }

    /** Renders with arbitrary bindings (tests compare with Hugging Face renderings). */
    public String render(Map<String, Object> bindings) {
        RenderResult result = jinja.renderForResult(template, bindings);
        for (TemplateError e : result.getErrors()) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw new IllegalArgumentException("chat template failed: " + rootMessage(e));
            }
        }
        return result.getOutput();
    }

    private static String rootMessage(TemplateError e) {
        Throwable t = e.getException();
        while (t != null && t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t != null && t.getMessage() != null ? e.getMessage() + ": " + t.getMessage() : e.getMessage();
    }

    public static String raiseException(String message) {
        throw new IllegalArgumentException(message);
    }

    public static String strftimeNow(String format) {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern(pythonToJava(format)));
    }

    private static String pythonToJava(String f) {
        return f.replace("%Y", "yyyy").replace("%m", "MM").replace("%d", "dd").replace("%B", "MMMM").replace("%b", "MMM")
                .replace("%H", "HH").replace("%M", "mm").replace("%S", "ss");
    }

    /** tojson as transformers defines it: json.dumps(x, ensure_ascii=False) with ", " and ": " separators. */
    static final class PythonJsonFilter implements Filter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            try {
                Integer indent = args.length > 0 && args[0] != null && !args[0].isBlank() ? Integer.valueOf(args[0].trim()) : null;
                if (indent == null) {
                    return JSON.writer(new CompactPrinter()).writeValueAsString(var);
                }
                DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                        .withObjectIndenter(new DefaultIndenter(" ".repeat(indent), "\n"))
                        .withArrayIndenter(new DefaultIndenter(" ".repeat(indent), "\n"));
                return JSON.writer(pp).writeValueAsString(var);
            } catch (IOException e) {
                throw new IllegalArgumentException("tojson: " + e.getMessage());
            }
        }
    }

    /** Single-line output with Python's default separators. */
    static final class CompactPrinter extends com.fasterxml.jackson.core.util.MinimalPrettyPrinter {
        @Override
        public void writeObjectFieldValueSeparator(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }

        @Override
        public void writeArrayValueSeparator(com.fasterxml.jackson.core.JsonGenerator g) throws IOException {
            g.writeRaw(", ");
        }
    }
}
