package perception.llm.assistant;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.llm.Cancellation;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.TokenListener;
import perception.llm.skills.Skill;
import perception.llm.skills.SkillContext;
import perception.llm.skills.SkillException;
import perception.llm.skills.SkillResult;

/**
 * The assistant the gateway serves: the built-in assistant and, when one is configured, a
 * language model, with a routing rule between them.
 * <ul>
 * <li>{@link Routing#SKILLS_FIRST} (default): a recognised skill intent is answered at once by the
 * skill (fast and exact); everything else goes to the LLM, and so does "what do you see" when
 * the LLM sees images itself.</li>
 * <li>{@link Routing#LLM}: everything goes to the LLM.</li>
 * <li>{@link Routing#TOOLS}: everything goes to the LLM with the skills offered as tools, through
 * the {@link ToolsLoop} hook.</li>
 * </ul>
 * Without an LLM everything is answered by the built-in assistant, whatever the routing.
 */
public final class AssistantModel implements ChatModel {
    private static final Logger log = LoggerFactory.getLogger(AssistantModel.class);

    public enum Routing {
        SKILLS_FIRST, LLM, TOOLS;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Routing parse(String name) {
            for (Routing r : values()) if (r.wireName().equals(name)) return r;
            throw new IllegalArgumentException("assistant_routing must be skills_first, llm or tools, got '" + name + "'");
        }
    }

    /**
     * The hook for {@link Routing#TOOLS}: an LLM loop that offers the skills to the model as tools,
     * runs the calls it makes (bounded rounds) and streams the final answer: the gateway passes
     * {@code perception.llm.tools.ToolLoop}.
     */
    @FunctionalInterface
    public interface ToolsLoop {
        ChatResult chat(ChatModel llm, List<Skill> skills, ChatRequest request, SkillContext context, TokenListener listener,
                        Cancellation cancellation);
    }

    /** Who answered (the built-in assistant's id or the LLM's) and how the answer ended. */
    public record Reply(String model, ChatResult result) {
    }

    private final BuiltInAssistant assistant;
    private final ChatModel llm;
    private final Routing routing;
    private final ToolsLoop tools;

    /**
     * {@code llm}: null when none is configured. {@code tools}: required for routing TOOLS with an
     * LLM (IllegalArgumentException otherwise, with what to do).
     */
    public AssistantModel(BuiltInAssistant assistant, ChatModel llm, Routing routing, ToolsLoop tools) {
        if (routing == Routing.TOOLS && llm != null && tools == null) {
            throw new IllegalArgumentException("assistant_routing=tools needs a tool loop");
        }
        if (llm == null && routing != Routing.SKILLS_FIRST) {
            log.info("no LLM configured: assistant_routing={} has no effect, the built-in assistant answers everything", routing.wireName());
        }
        this.assistant = assistant;
        this.llm = llm;
        this.routing = routing;
        this.tools = tools;
    }

    public BuiltInAssistant builtIn() {
        return assistant;
    }

    public Optional<ChatModel> llm() {
        return Optional.ofNullable(llm);
    }

    public Routing routing() {
        return routing;
    }

    /**
     * Answers one turn. {@code prepareForLlm} fits the raw request to the LLM (the gateway's
     * fusion: images described for a model that does not see, history trimmed); it runs only
     * when the LLM is used. {@code spoken}: the answer will be synthesised.
     */
    public Reply answer(ChatRequest request, SkillContext context, boolean spoken, UnaryOperator<ChatRequest> prepareForLlm,
                        TokenListener listener, Cancellation cancellation) {
        if (llm == null) return new Reply(assistant.id(), assistant.answer(request, context, spoken, listener, cancellation));
        switch (routing) {
            case LLM -> {
                return new Reply(llm.id(), llm.chat(prepareForLlm.apply(request), listener, cancellation));
            }
            case TOOLS -> {
                return new Reply(llm.id(), tools.chat(llm, assistant.skills(), prepareForLlm.apply(request), context, listener, cancellation));
            }
            default -> {
                // a client that sends its own tools (functions) asked for the model and its calls, not for our skills
                if (!request.tools().isEmpty()) return new Reply(llm.id(), llm.chat(prepareForLlm.apply(request), listener, cancellation));
                long t0 = System.nanoTime();
                // a model that sees describes a picture better than object counts do; counting and reading stay exact
                Optional<Intent> intent = assistant.match(request).filter(Intent::usesSkill)
                        .filter(i -> !(llm.acceptsImages() && i.name().equals("describe")));
                if (intent.isPresent()) {
                    try {
                        SkillResult r = assistant.run(intent.get(), context);
                        return new Reply(assistant.id(), assistant.stream(spoken ? r.speech() : r.text(), request, listener, cancellation, t0));
                    } catch (SkillException e) {
                        // the LLM may know better (a place the clock does not, a picture described in its prompt)
                        log.debug("skill {} could not answer, asking the LLM: {}", intent.get().skill(), e.getMessage());
                    }
                }
                return new Reply(llm.id(), llm.chat(prepareForLlm.apply(request), listener, cancellation));
            }
        }
    }

    // ---- ChatModel: the routed assistant, without a turn's context ----

    @Override
    public String id() {
        return llm != null ? llm.id() : assistant.id();
    }

    @Override
    public boolean acceptsImages() {
        return llm != null ? llm.acceptsImages() : assistant.acceptsImages();
    }

    @Override
    public int contextLength() {
        return llm != null ? llm.contextLength() : 0;
    }

    @Override
    public int countTokens(String text) {
        return llm != null ? llm.countTokens(text) : assistant.countTokens(text);
    }

    @Override
    public ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        return answer(request, BuiltInAssistant.plainContext(), false, UnaryOperator.identity(), listener, cancellation).result();
    }

    @Override
    public void close() {
        if (llm != null) llm.close();
    }
}
