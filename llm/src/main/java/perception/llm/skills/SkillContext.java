package perception.llm.skills;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What a skill may know about the moment it runs in: the time, the user's own time zone, and what
 * the user's camera or last picture shows. The gateway builds one per turn.
 */
public interface SkillContext {

    /** Now (a fixed instant in tests). */
    Instant now();

    /** The user's own zone: the {@code timezone} setting, by default the server's. */
    ZoneId userZone();

    /** The latest analysed camera frame of a linked video session, or else the conversation's last image. */
    Optional<Observation> observation();
}
