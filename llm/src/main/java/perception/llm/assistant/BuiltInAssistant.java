package perception.llm.assistant;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.TokenListener;
import perception.llm.skills.Observation;
import perception.llm.skills.Skill;
import perception.llm.skills.SkillContext;
import perception.llm.skills.SkillException;
import perception.llm.skills.SkillResult;
import perception.llm.skills.Skills;

/**
 * The assistant without a language model: matches the user's last message to an intent
 * ({@link IntentMatcher}), runs the skill and answers with its sentence; anything else gets an
 * honest reply saying what it can do and how to add a language model. Answers stream clause by
 * clause, so speech synthesis can start on the first one.
 */
public final class BuiltInAssistant implements ChatModel {
    public static final String ID = "assistant";
    static final String CAN_DO = "I can tell the time and date anywhere in the world, do exact arithmetic, convert units, "
            + "and say what the camera or a picture shows, or read the text in it.";
    static final String EXAMPLES = " Try: what time is it in Tokyo; seventeen times twenty three; five miles in kilometres; how many people do you see.";
    static final String ADD_MODEL_WRITTEN = " To talk about anything else, add a language model: run ./run-gateway models fetch smollm2-135m "
            + "and restart, or set GATEWAY_LLM_URL to an OpenAI-compatible server (e.g. http://localhost:11434/v1 for Ollama).";
    static final String ADD_MODEL_SPOKEN = " To talk about anything else, add a language model: fetch the small SmolLM2 language model "
            + "with the gateway's models fetch command, or point the gateway at an OpenAI compatible server. The read me file explains how.";

    private final List<Skill> skills;
    private final IntentMatcher matcher = new IntentMatcher();
    private final String llmId;

    /** {@code llmId}: the language model served beside this assistant, or null when there is none. */
    public BuiltInAssistant(List<Skill> skills, String llmId) {
        this.skills = List.copyOf(skills);
        this.llmId = llmId;
    }

    public BuiltInAssistant() {
        this(Skills.builtIn(), null);
    }

    public List<Skill> skills() {
        return skills;
    }

    /** The intent of the request's last user message (its own words only), if the assistant knows it. */
    public Optional<Intent> match(ChatRequest request) {
        return lastUserText(request).flatMap(matcher::match);
    }

    static Optional<String> lastUserText(ChatRequest request) {
        List<ChatMessage> m = request.messages();
        ChatMessage last = m.get(m.size() - 1);
        // perceived content (a camera view, an image's analysis) is data, never the user's request
        return last.role() == ChatMessage.Role.USER ? Optional.of(perception.llm.fusion.Fusion.ownWords(last.text())) : Optional.empty();
    }

    /** What the skill of an intent says; SkillException when it could not (unknown place, nothing to look at). */
    public SkillResult run(Intent intent, SkillContext context) throws SkillException {
        Skill skill = Skills.byName(skills, intent.skill()).orElseThrow(() -> new SkillException("the " + intent.skill() + " skill is not available"));
        return skill.run(intent.arguments(), context);
    }

    /**
     * Answers a request on its own: the matched skill's answer, its own help, or the honest
     * fallback. {@code spoken}: the answer will be synthesised (numbers in words).
     */
    public ChatResult answer(ChatRequest request, SkillContext context, boolean spoken, TokenListener listener, Cancellation cancellation) {
        long t0 = System.nanoTime();
        Optional<Intent> intent = match(request);
        String text;
        if (intent.isEmpty()) {
            text = fallback(spoken);
        } else if (!intent.get().usesSkill()) {
            text = (intent.get().name().equals(Intent.GREETING) ? "Hello! " : "") + CAN_DO + EXAMPLES + (llmId == null ? addModel(spoken) : "");
        } else {
            try {
                SkillResult r = run(intent.get(), context);
                text = spoken ? r.speech() : r.text();
            } catch (SkillException e) {
                text = e.getMessage();
            }
        }
        return stream(text, request, listener, cancellation, t0);
    }

    /** Streams a finished answer clause by clause and reports it like a generation. */
    ChatResult stream(String text, ChatRequest request, TokenListener listener, Cancellation cancellation, long t0) {
        double first = 0;
        StringBuilder sent = new StringBuilder();
        for (String piece : clauses(text)) {
            if (cancellation.isCancelled()) {
                return new ChatResult(sent.toString(), ChatResult.FinishReason.CANCELLED, promptTokens(request), countTokens(sent.toString()),
                        first, (System.nanoTime() - t0) / 1e6);
            }
            if (first == 0) first = (System.nanoTime() - t0) / 1e6;
            listener.onText(piece);
            sent.append(piece);
        }
        return new ChatResult(text, ChatResult.FinishReason.STOP, promptTokens(request), countTokens(text), first, (System.nanoTime() - t0) / 1e6);
    }

    String fallback(boolean spoken) {
        if (llmId != null) {
            return "I'm the built-in assistant, and I don't know how to answer that. " + CAN_DO
                    + " For anything else, ask the language model " + llmId + ".";
        }
        return "Sorry, I can't answer that without a language model. " + CAN_DO + addModel(spoken);
    }

    private static String addModel(boolean spoken) {
        return spoken ? ADD_MODEL_SPOKEN : ADD_MODEL_WRITTEN;
    }

    /** Pieces ending after ", " ". " ": " "; " so the first clause can be spoken at once. */
    static List<String> clauses(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length() - 1; i++) {
            char c = text.charAt(i);
            if ((c == ',' || c == '.' || c == ':' || c == ';' || c == '!' || c == '?') && text.charAt(i + 1) == ' ') {
                out.add(text.substring(start, i + 2));
                start = i + 2;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }

    private int promptTokens(ChatRequest request) {
        int n = 0;
        for (ChatMessage m : request.messages()) n += 4 + countTokens(m.text());
        return n;
    }

    // ---- ChatModel ----

    @Override
    public String id() {
        return ID;
    }

    /** It looks at pictures through the vision analysis (the look and read skills), on demand. */
    @Override
    public boolean acceptsImages() {
        return true;
    }

    @Override
    public int contextLength() {
        return 0;
    }

    /** Words, as a rough token count. */
    @Override
    public int countTokens(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** Without a turn's context: now, the server's zone, nothing seen; written (not spoken) answers. */
    @Override
    public ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        return answer(request, plainContext(), false, listener, cancellation);
    }

    static SkillContext plainContext() {
        return new SkillContext() {
            private final Instant now = Instant.now();

            @Override
            public Instant now() {
                return now;
            }

            @Override
            public ZoneId userZone() {
                return ZoneId.systemDefault();
            }

            @Override
            public Optional<Observation> observation() {
                return Optional.empty();
            }
        };
    }

    @Override
    public void close() {
    }
}
