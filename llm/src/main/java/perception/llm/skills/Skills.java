package perception.llm.skills;

import java.util.List;
import java.util.Optional;

/** The built-in skills, shared by the built-in assistant and the LLM tool loop. */
public final class Skills {
    private static final List<Skill> BUILT_IN = List.of(new Clock(), new Calculator(), new Units(), new Look(), new Read());

    private Skills() {
    }

    /** clock, calculator, units, look, read: stateless, so one instance of each serves everyone. */
    public static List<Skill> builtIn() {
        return BUILT_IN;
    }

    public static Optional<Skill> byName(List<Skill> skills, String name) {
        return skills.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
