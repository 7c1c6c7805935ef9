package perception.llm.assistant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a sentence asks for: a skill and its arguments, or one of the assistant's own intents
 * ({@link #HELP}, {@link #GREETING}) that need no skill.
 */
public record Intent(String name, String skill, ObjectNode arguments) {
    public static final String HELP = "help";
    public static final String GREETING = "greeting";

    public boolean usesSkill() {
        return skill != null;
    }
}
