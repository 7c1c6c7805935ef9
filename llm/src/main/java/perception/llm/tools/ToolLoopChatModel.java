package perception.llm.tools;

import java.util.List;
import java.util.function.Supplier;
import perception.llm.Cancellation;
import perception.llm.ChatModel;
import perception.llm.ChatRequest;
import perception.llm.ChatResult;
import perception.llm.TokenListener;
import perception.llm.skills.Skill;
import perception.llm.skills.SkillContext;

/**
 * A chat model whose every chat runs a {@link ToolLoop}: the server's skills are offered to the
 * wrapped model as tools and run here, so a caller that only knows {@link ChatModel} (the LLM
 * verticle) gets skill-using answers. The request's own tools stay the client's. The context is
 * asked for once per chat (the time, the user's zone, what the camera sees now).
 */
public final class ToolLoopChatModel implements ChatModel {
    private final ChatModel model;
    private final List<Skill> skills;
    private final Supplier<SkillContext> context;
    private final int maxRounds;

    public ToolLoopChatModel(ChatModel model, List<Skill> skills, Supplier<SkillContext> context, int maxRounds) {
        this.model = model;
        this.skills = List.copyOf(skills);
        this.context = context;
        this.maxRounds = maxRounds;
    }

    @Override
    public String id() {
        return model.id();
    }

    @Override
    public boolean acceptsImages() {
        return model.acceptsImages();
    }

    @Override
    public int contextLength() {
        return model.contextLength();
    }

    @Override
    public int countTokens(String text) {
        return model.countTokens(text);
    }

    @Override
    public ChatResult chat(ChatRequest request, TokenListener listener, Cancellation cancellation) {
        return new ToolLoop(model, skills, context.get(), maxRounds).run(request, listener, cancellation).result();
    }

    @Override
    public void close() {
        model.close();
    }
}
