package perception.llm;

import java.util.List;

/**
 * What to generate: the conversation, sampling, stop strings, the most tokens to produce (null:
 * as many as the context allows), the tools the model may call with how it may call them, and the
 * shape of the answer.
 */
public record ChatRequest(List<ChatMessage> messages, Sampling sampling, List<String> stop, Integer maxTokens,
                          List<ToolSpec> tools, ToolChoice toolChoice, ResponseFormat responseFormat) {
    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        tools = tools == null ? List.of() : List.copyOf(tools);
        if (toolChoice == null) toolChoice = ToolChoice.AUTO;
        if (sampling == null) sampling = Sampling.GREEDY;
        if (responseFormat == null) responseFormat = ResponseFormat.TEXT;
        if (messages.isEmpty()) throw new IllegalArgumentException("messages is empty: send at least one message");
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
        String named = toolChoice.function();
        if (named != null && tools.stream().noneMatch(t -> t.name().equals(named))) {
            throw new IllegalArgumentException("tool_choice names function '" + named + "' which is not among the tools");
        }
        if (toolChoice.mode() == ToolChoice.Mode.REQUIRED && tools.isEmpty()) {
            throw new IllegalArgumentException("tool_choice is required but no tools were given");
        }
    }

    public ChatRequest(List<ChatMessage> messages, Sampling sampling, List<String> stop, Integer maxTokens,
                       List<ToolSpec> tools, ToolChoice toolChoice) {
        this(messages, sampling, stop, maxTokens, tools, toolChoice, ResponseFormat.TEXT);
    }

    public ChatRequest(List<ChatMessage> messages, Sampling sampling, List<String> stop, Integer maxTokens) {
        this(messages, sampling, stop, maxTokens, List.of(), ToolChoice.AUTO);
    }

    public static ChatRequest of(List<ChatMessage> messages, Integer maxTokens) {
        return new ChatRequest(messages, Sampling.GREEDY, List.of(), maxTokens);
    }

    public ChatRequest withMessages(List<ChatMessage> replaced) {
        return new ChatRequest(replaced, sampling, stop, maxTokens, tools, toolChoice, responseFormat);
    }

    public ChatRequest withTools(List<ToolSpec> replaced, ToolChoice choice) {
        return new ChatRequest(messages, sampling, stop, maxTokens, replaced, choice, responseFormat);
    }

    /** Whether the model may call a tool in this request. */
    public boolean toolsOffered() {
        return !tools.isEmpty() && toolChoice.mode() != ToolChoice.Mode.NONE;
    }

    public boolean hasImages() {
        return messages.stream().anyMatch(ChatMessage::hasImages);
    }
}
