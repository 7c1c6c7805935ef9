package perception.llm;

import java.util.List;

/** One turn of a conversation: a role and its content parts (text and images, in order). */
public record ChatMessage(Role role, List<ContentPart> parts) {

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
    }

    public static ChatMessage text(Role role, String text) {
        return new ChatMessage(role, List.of(new ContentPart.Text(text)));
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
