package perception.llm.skills;

/** A skill could not do what was asked (unknown place, division by zero, nothing to look at). */
public final class SkillException extends Exception {
    public SkillException(String message) {
        super(message);
    }
}
