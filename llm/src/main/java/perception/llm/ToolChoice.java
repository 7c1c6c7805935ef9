package perception.llm;

/**
 * Whether the model may call tools (OpenAI {@code tool_choice}): {@code auto} (it decides),
 * {@code none} (text only), {@code required} (at least one call), or one named function.
 */
public record ToolChoice(Mode mode, String function) {
    public enum Mode { AUTO, NONE, REQUIRED, FUNCTION }

    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public ToolChoice {
        if (mode == null) throw new IllegalArgumentException("tool_choice needs a mode");
        if (mode == Mode.FUNCTION && (function == null || function.isBlank())) throw new IllegalArgumentException("tool_choice names no function");
        if (mode != Mode.FUNCTION) function = null;
    }

    public static ToolChoice function(String name) {
        return new ToolChoice(Mode.FUNCTION, name);
    }

    /** "auto", "none", "required", or the function's name for a named choice. */
    public String wireName() {
        return mode == Mode.FUNCTION ? function : mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The inverse of {@link #wireName} given whether it names a function. */
    public static ToolChoice parse(String mode) {
        return switch (mode) {
            case "auto" -> AUTO;
            case "none" -> NONE;
            case "required" -> REQUIRED;
            default -> throw new IllegalArgumentException("tool_choice must be auto, none, required or a named function, got '" + mode + "'");
        };
    }
}
