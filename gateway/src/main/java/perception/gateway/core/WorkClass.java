package perception.gateway.core;

/**
 * How urgently a job on a worker pool is wanted. Someone waits for {@link #INTERACTIVE} work now (a
 * voice turn: turn detection, recognition, the LLM's answer, synthesis); {@link #BEST_EFFORT} work
 * (video frames, file analysis, batch transcription) runs on what interactive work leaves, and a
 * video session simply analyses fewer frames meanwhile.
 */
public enum WorkClass {
    INTERACTIVE, BEST_EFFORT;

    /** Event-bus header a requester sets to say which class its request's work is. */
    public static final String HEADER = "work-class";

    /** The class named by a {@link #HEADER} value ("interactive" or "best_effort"), or the fallback. */
    public static WorkClass of(String header, WorkClass fallback) {
        if (header == null) return fallback;
        return switch (header.toLowerCase(java.util.Locale.ROOT)) {
            case "interactive" -> INTERACTIVE;
            case "best_effort" -> BEST_EFFORT;
            default -> fallback;
        };
    }

    /** The lower-case name used in metrics tags and the {@link #HEADER}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
