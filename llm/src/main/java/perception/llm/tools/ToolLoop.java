package perception.llm.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.ChatResult.FinishReason;
import perception.llm.TokenListener;
import perception.llm.ToolCall;
import perception.llm.ToolChoice;
import perception.llm.ToolSpec;
import perception.llm.skills.Skill;
import perception.llm.skills.SkillContext;
import perception.llm.skills.SkillException;
import perception.llm.skills.SkillResult;

/**
 * Lets a chat model use the server's skills as tools, for a bounded number of rounds: each round
 * the model is offered the skills (and the client's own tools, if any); the calls it makes to
 * skills are run here and their output goes back as tool messages for the next round. A call to
 * a client tool ends the loop and is returned, for the client to run (as OpenAI does). The last
 * round offers no skills, so the model has to answer. Text streams to the listener as it is made;
 * only the client's tool calls are passed on.
 */
public final class ToolLoop {
    private static final Logger log = LoggerFactory.getLogger(ToolLoop.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int DEFAULT_MAX_ROUNDS = 4;

    private final ChatModel model;
    private final Map<String, Skill> skills = new LinkedHashMap<>();
    private final SkillContext context;
    private final int maxRounds;

    public ToolLoop(ChatModel model, List<Skill> skills, SkillContext context, int maxRounds) {
        if (maxRounds < 1) throw new IllegalArgumentException("maxRounds must be at least 1");
        this.model = model;
        for (Skill s : skills) this.skills.put(s.name(), s);
        this.context = context;
        this.maxRounds = maxRounds;
    }

    /**
     * How it went: the last round's result (its finish reason, and the client tool calls to run
     * when it is {@code tool_calls}; tokens and time summed over all rounds), the conversation
     * with every call and tool output added, and the number of rounds.
     */
    public record Outcome(ChatResult result, List<ChatMessage> messages, int rounds) {
    }

    /** A skill as an OpenAI function. */
    public static ToolSpec spec(Skill skill) {
        return new ToolSpec(skill.name(), skill.description(), skill.parameters());
    }

    /**
     * Runs the loop. {@code request.tools()} are the client's tools, which shadow a skill of the
     * same name; its tool choice applies to them ({@code none}: the client's tools are not offered).
     */
    public Outcome run(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        List<ToolSpec> clientTools = request.toolChoice().mode() == ToolChoice.Mode.NONE ? List.of() : request.tools();
        Map<String, ToolSpec> offered = new LinkedHashMap<>();
        skills.values().forEach(s -> offered.put(s.name(), spec(s)));
        clientTools.forEach(t -> offered.put(t.name(), t));
        List<String> clientNames = clientTools.stream().map(ToolSpec::name).toList();
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        int promptTokens = 0, completionTokens = 0;
        double first = 0, total = 0;
        for (int round = 1; ; round++) {
            boolean last = round >= maxRounds;
            List<ToolSpec> tools = last ? clientTools : List.copyOf(offered.values());
            ToolChoice choice = choice(request.toolChoice(), tools, round);
            ClientCalls client = new ClientCalls(listener, clientNames);
            ChatResult r = model.chat(request.withMessages(messages).withTools(tools, choice), client, cancellation);
            promptTokens += r.promptTokens();
            completionTokens += r.completionTokens();
            if (round == 1) first = r.firstTokenMillis();
            total += r.totalMillis();
            List<ToolCall> mine = r.toolCalls().stream().filter(c -> !clientNames.contains(c.name())).toList();
            List<ToolCall> theirs = r.toolCalls().stream().filter(c -> clientNames.contains(c.name())).toList();
            boolean runSkills = r.finishReason() == FinishReason.TOOL_CALLS && theirs.isEmpty() && !cancellation.isCancelled();
            if (!runSkills) {
                if (!theirs.isEmpty()) messages.add(ChatMessage.toolCalls(r.text(), theirs));
                else if (!r.text().isEmpty()) messages.add(ChatMessage.text(ChatMessage.Role.ASSISTANT, r.text()));
                FinishReason finish = r.finishReason() == FinishReason.TOOL_CALLS && theirs.isEmpty() ? FinishReason.STOP : r.finishReason();
                ChatResult summed = new ChatResult(r.text(), finish, promptTokens, completionTokens, first, total, theirs);
                return new Outcome(summed, List.copyOf(messages), round);
            }
            messages.add(ChatMessage.toolCalls(r.text(), mine));
            for (ToolCall call : mine) {
                if (cancellation.isCancelled()) break;
                messages.add(ChatMessage.toolResult(call.id(), runSkill(call)));
            }
        }
    }

    /** The client's choice where it still applies: "required" or a named function binds the first round only. */
    private static ToolChoice choice(ToolChoice asked, List<ToolSpec> tools, int round) {
        if (tools.isEmpty() || round > 1 || asked.mode() == ToolChoice.Mode.NONE) return ToolChoice.AUTO;
        if (asked.function() != null && tools.stream().noneMatch(t -> t.name().equals(asked.function()))) return ToolChoice.AUTO;
        return asked;
    }

    /** The skill's data as JSON text, or {"error": ...} saying what went wrong, for the model to read. */
    String runSkill(ToolCall call) {
        Skill skill = skills.get(call.name());
        if (skill == null) return error("there is no tool named '" + call.name() + "'");
        JsonNode args;
        try {
            args = JSON.readTree(call.arguments().isBlank() ? "{}" : call.arguments());
        } catch (IOException e) {
            return error("the arguments of " + call.name() + " are not valid JSON: " + abbreviate(call.arguments()));
        }
        if (!(args instanceof ObjectNode object)) return error("the arguments of " + call.name() + " must be a JSON object");
        try {
            SkillResult result = skill.run(object, context);
            log.debug("skill {}({}) -> {}", call.name(), call.arguments(), result.data());
            return result.data().toString();
        } catch (SkillException e) {
            return error(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("skill {} failed on {}", call.name(), call.arguments(), e);
            return error(call.name() + " failed: " + e.getClass().getSimpleName());
        }
    }

    private static String error(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** Passes text on, and the pieces of calls to the client's tools, renumbered among themselves. */
    private static final class ClientCalls implements TokenListener {
        private final TokenListener listener;
        private final List<String> clientNames;
        private final Map<Integer, Integer> clientIndex = new HashMap<>();

        ClientCalls(TokenListener listener, List<String> clientNames) {
            this.listener = listener;
            this.clientNames = clientNames;
        }

        @Override
        public void onText(String text) {
            listener.onText(text);
        }

        @Override
        public void onToolCall(ToolCall.Delta d) {
            if (d.name() != null && clientNames.contains(d.name()) && !clientIndex.containsKey(d.index())) {
                clientIndex.put(d.index(), clientIndex.size());
            }
            Integer index = clientIndex.get(d.index());
            if (index != null) listener.onToolCall(new ToolCall.Delta(index, d.id(), d.name(), d.arguments()));
        }
    }
}
