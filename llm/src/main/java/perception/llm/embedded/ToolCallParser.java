package perception.llm.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import perception.llm.ChatResult;
import perception.llm.LlmException;
import perception.llm.TokenListener;
import perception.llm.ToolCall;

/**
 * Takes the calls out of a model's streamed text, Hermes / Qwen style:
 * {@code <tool_call>{"name": ..., "arguments": {...}}</tool_call>}. Text outside the tags is
 * released as it comes, except a tail that may be the start of a tag; the text of a call is
 * withheld and reported as one {@link ToolCall} when its closing tag arrives. A call that is not
 * JSON, has no name, or names a function that was not offered is an {@link LlmException} saying
 * so, never a crash.
 */
public final class ToolCallParser {
    static final String OPEN = "<tool_call>";
    static final String CLOSE = "</tool_call>";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A model that never closes its call must not grow memory without bound. */
    private static final int MAX_CALL_CHARS = 64 * 1024;

    private final Set<String> offered;
    private final Consumer<ToolCall> onCall;
    private final String model;
    private final StringBuilder pending = new StringBuilder();
    private final List<ToolCall> calls = new ArrayList<>();
    private boolean inside;

    public ToolCallParser(Set<String> offered, String model, Consumer<ToolCall> onCall) {
        this.offered = offered;
        this.model = model;
        this.onCall = onCall;
    }

    /** Feeds generated text; returns the part that is plain text and can be streamed now. */
    public String push(String text) {
        pending.append(text);
        StringBuilder out = new StringBuilder();
        while (true) {
            if (inside) {
                int close = pending.indexOf(CLOSE);
                if (close < 0) {
                    if (pending.length() > MAX_CALL_CHARS) throw malformed("a tool call longer than " + MAX_CALL_CHARS + " characters", pending);
                    return out.toString();
                }
                parse(pending.substring(0, close));
                pending.delete(0, close + CLOSE.length());
                inside = false;
                continue;
            }
            int open = pending.indexOf(OPEN);
            if (open >= 0) {
                String before = pending.substring(0, open);
                // between and around calls models write newlines: not worth saying
                if (!(calls.isEmpty() ? before.isEmpty() : before.isBlank())) out.append(calls.isEmpty() ? before : before.strip());
                pending.delete(0, open + OPEN.length());
                inside = true;
                continue;
            }
            int keep = partialTagAt(pending);
            String release = pending.substring(0, keep);
            pending.delete(0, keep);
            if (!calls.isEmpty() && release.isBlank()) return out.toString();
            out.append(release);
            return out.toString();
        }
    }

    /**
     * The end of the text: returns what was held back. {@code complete} is false when generation
     * stopped early (length limit), which leaves an open call malformed rather than silently lost.
     */
    public String finish(boolean complete) {
        if (inside) {
            throw malformed(complete ? "a tool call that was never closed with " + CLOSE
                    : "a tool call cut off by the token limit (raise max_tokens)", pending);
        }
        String rest = pending.toString();
        pending.setLength(0);
        return calls.isEmpty() || !rest.isBlank() ? rest : "";
    }

    public List<ToolCall> calls() {
        return List.copyOf(calls);
    }

    /**
     * How a generation ends, for either engine: the stop strings' held tail and what the parser
     * (null when no tools were offered) still holds are streamed; calls made turn a STOP into
     * TOOL_CALLS. Returns the finish reason.
     */
    public static ChatResult.FinishReason end(StopStrings stops, ToolCallParser calls, ChatResult.FinishReason finish,
                                              StringBuilder text, TokenListener listener) {
        String rest = stops.flush();
        if (calls != null) {
            rest = calls.push(rest);
            if (finish != ChatResult.FinishReason.CANCELLED) rest += calls.finish(finish == ChatResult.FinishReason.STOP);
            if (!calls.calls.isEmpty() && finish == ChatResult.FinishReason.STOP) finish = ChatResult.FinishReason.TOOL_CALLS;
        }
        if (!rest.isEmpty()) {
            text.append(rest);
            listener.onText(rest);
        }
        return finish;
    }

    private void parse(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body.strip());
        } catch (IOException e) {
            throw malformed("a tool call that is not valid JSON", body);
        }
        if (node == null || !node.isObject() || !node.path("name").isTextual() || node.path("name").asText().isBlank()) {
            throw malformed("a tool call without a function name (expected {\"name\": ..., \"arguments\": {...}})", body);
        }
        String name = node.get("name").asText();
        if (!offered.contains(name)) throw malformed("a call to '" + name + "', which is not among the tools offered " + offered, body);
        JsonNode args = node.has("arguments") ? node.get("arguments") : node.path("parameters");
        String arguments;
        if (args.isMissingNode() || args.isNull()) arguments = "{}";
        else if (args.isTextual()) arguments = args.asText();
        else if (args.isObject()) arguments = args.toString();
        else throw malformed("tool call arguments that are not an object", body);
        ToolCall call = new ToolCall(ToolCall.newId(), name, arguments);
        calls.add(call);
        onCall.accept(call);
    }

    private LlmException malformed(String what, CharSequence text) {
        String shown = text.toString().strip();
        if (shown.length() > 200) shown = shown.substring(0, 200) + "…";
        return new LlmException(502, "invalid_tool_call", "model " + model + " produced " + what + ": " + shown
                + " — retry, or send tool_choice \"none\" to get text only");
    }

    /** Length of the prefix that cannot be part of an opening tag still to come. */
    private static int partialTagAt(CharSequence s) {
        int n = s.length();
        for (int k = Math.min(OPEN.length() - 1, n); k > 0; k--) {
            if (OPEN.startsWith(s.subSequence(n - k, n).toString())) return n - k;
        }
        return n;
    }
}
