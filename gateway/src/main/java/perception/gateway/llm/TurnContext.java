package perception.gateway.llm;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import perception.llm.ChatMessage;
import perception.llm.ChatRequest;
import perception.llm.ContentPart;
import perception.llm.skills.Observation;
import perception.llm.skills.SkillContext;

/**
 * What the skills may know in one generate request: now, the configured time zone, and what the
 * user shows — a picture in their last message first, else the linked camera's latest frame
 * (sent with the request as {@code observation}), else the conversation's last picture. Pictures
 * are analysed only when a skill asks, through the request's {@link VisionDescriber}, which
 * remembers its analyses so fusion and skills never analyse one image twice.
 */
final class TurnContext implements SkillContext {
    private final Instant now = Instant.now();
    private final ZoneId zone;
    private final JsonObject camera;
    private final ChatRequest request;
    private final VisionDescriber vision;
    private Optional<Observation> observation;

    TurnContext(ZoneId zone, JsonObject camera, ChatRequest request, VisionDescriber vision) {
        this.zone = zone;
        this.camera = camera;
        this.request = request;
        this.vision = vision;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public ZoneId userZone() {
        return zone;
    }

    @Override
    public synchronized Optional<Observation> observation() {
        if (observation == null) observation = find();
        return observation;
    }

    private Optional<Observation> find() {
        List<ChatMessage> messages = request.messages();
        ContentPart.Image inLast = lastImage(List.of(messages.get(messages.size() - 1)));
        if (inLast != null) return vision.observe(inLast);
        if (camera != null) return Optional.of(Observations.fromJson(camera));
        ContentPart.Image earlier = lastImage(messages);
        return earlier == null ? Optional.empty() : vision.observe(earlier);
    }

    private static ContentPart.Image lastImage(List<ChatMessage> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            List<ContentPart> parts = messages.get(i).parts();
            for (int j = parts.size() - 1; j >= 0; j--) if (parts.get(j) instanceof ContentPart.Image img) return img;
        }
        return null;
    }
}
