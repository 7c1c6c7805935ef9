package perception.llm.skills;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/** A fixed moment, zone and observation for skill tests. */
public record TestContext(Instant now, ZoneId userZone, Optional<Observation> observation) implements SkillContext {
    /** Tuesday 1 December 2026, 07:32 UTC. */
    public static final Instant NOW = Instant.parse("2026-12-01T07:32:00Z");

    public static TestContext at(String zone) {
        return new TestContext(NOW, ZoneId.of(zone), Optional.empty());
    }

    public static TestContext seeing(Observation o) {
        return new TestContext(NOW, ZoneId.of("UTC"), Optional.of(o));
    }
}
