package perception.llm;

import java.util.List;

/**
 * What to generate: the conversation, sampling, stop strings and the most tokens to produce
 * (null: as many as the context allows).
 */
public record ChatRequest(List<ChatMessage> messages, Sampling sampling, List<String> stop, Integer maxTokens) {
    public ChatRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        if (sampling == null) sampling = Sampling.GREEDY;
        if (messages.isEmpty()) throw new IllegalArgumentException("messages is empty: send at least one message");
        if (maxTokens != null && maxTokens < 1) throw new IllegalArgumentException("max_tokens must be at least 1, got " + maxTokens);
        for (String s : stop) if (s.isEmpty()) throw new IllegalArgumentException("stop strings must not be empty");
    }

    public static ChatRequest of(List<ChatMessage> messages, Integer maxTokens) {
        return new ChatRequest(messages, Sampling.GREEDY, List.of(), maxTokens);
    }

    public ChatRequest withMessages(List<ChatMessage> replaced) {
        return new ChatRequest(replaced, sampling, stop, maxTokens);
    }

    public boolean hasImages() {
        return messages.stream().anyMatch(ChatMessage::hasImages);
    }
}
