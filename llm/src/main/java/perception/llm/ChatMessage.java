package perception.llm;

import java.util.List;

/**
 * One turn of a conversation: a role and its content parts (text and images, in order). An
 * assistant turn may also carry the tool calls it made ({@code toolCalls}); a {@code tool} turn
 * answers one of them and names it in {@code toolCallId}.
 */
public record ChatMessage(Role role, List<ContentPart> parts, List<ToolCall> toolCalls, String toolCallId) {

    public enum Role {
        SYSTEM, USER, ASSISTANT, TOOL;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Role parse(String name) {
            for (Role r : values()) if (r.wireName().equals(name)) return r;
            throw new IllegalArgumentException("unknown message role '" + name + "': use system, user, assistant or tool");
        }
    }

    public ChatMessage {
        parts = List.copyOf(parts);
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) throw new IllegalArgumentException("only assistant messages carry tool calls");
        if (role == Role.TOOL && (toolCallId == null || toolCallId.isBlank())) {
            throw new IllegalArgumentException("a tool message needs the tool_call_id of the call it answers");
        }
        if (role != Role.TOOL) toolCallId = null;
    }

    public ChatMessage(Role role, List<ContentPart> parts) {
        this(role, parts, List.of(), null);
    }

    public static ChatMessage text(Role role, String text) {
        return new ChatMessage(role, List.of(new ContentPart.Text(text)));
    }

    /** An assistant turn that called tools (with the text it said before, possibly empty). */
    public static ChatMessage toolCalls(String text, List<ToolCall> calls) {
        return new ChatMessage(Role.ASSISTANT, text == null || text.isEmpty() ? List.of() : List.of(new ContentPart.Text(text)), calls, null);
    }

    /** A tool's output answering the call with this id. */
    public static ChatMessage toolResult(String toolCallId, String output) {
        return new ChatMessage(Role.TOOL, List.of(new ContentPart.Text(output)), List.of(), toolCallId);
    }

    /** The same turn with other parts (tool calls and id kept). */
    public ChatMessage withParts(List<ContentPart> replaced) {
        return new ChatMessage(role, replaced, toolCalls, toolCallId);
    }

    /** The text parts joined; images are left out. */
    public String text() {
        StringBuilder b = new StringBuilder();
        for (ContentPart p : parts) if (p instanceof ContentPart.Text t) b.append(t.text());
        return b.toString();
    }

    public boolean hasImages() {
        return parts.stream().anyMatch(p -> p instanceof ContentPart.Image);
    }
}
