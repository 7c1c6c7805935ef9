package perception.gateway.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Which chat backend serves /v1/chat/completions ({@code llm_backend}); AUTO is resolved at start-up. */
public enum LlmBackend {
    AUTO, GGUF, EMBEDDED, REMOTE, NONE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(LlmBackend::wireName).toList();
    }

    /** The backend of that name, or null for an unknown one. */
    public static LlmBackend of(String name) {
        for (LlmBackend b : values()) {
            if (b.wireName().equals(name)) return b;
        }
        return null;
    }
}
