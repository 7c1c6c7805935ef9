package perception.llm.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A built-in ability of the assistant: the clock, the calculator, unit conversion, looking at the
 * camera, reading text. The built-in assistant calls skills from matched intents; an LLM that
 * takes tools gets them as OpenAI-style functions ({@link #name}, {@link #description},
 * {@link #parameters}). Implementations are plain Java, stateless and thread-safe.
 */
public interface Skill {

    /** Function name, e.g. {@code clock}: lower case, no spaces (OpenAI's function name rules). */
    String name();

    /** One or two sentences telling an LLM when to use it. */
    String description();

    /** JSON schema of the arguments object (OpenAI {@code function.parameters}). */
    ObjectNode parameters();

    /**
     * Runs the skill. Arguments that do not fit the schema raise {@link SkillException} with a
     * message a user (or an LLM) can act on; the skill never throws anything else for bad input.
     */
    SkillResult run(ObjectNode arguments, SkillContext context) throws SkillException;
}
