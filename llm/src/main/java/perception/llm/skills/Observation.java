package perception.llm.skills;

import java.util.List;
import java.util.Map;

/**
 * What the vision senses found in one picture, as plain data the llm module can use without
 * depending on the vision module: object counts by label, the number of faces, the text lines
 * read (OCR), a short scene description, where it came from ({@code camera} or {@code image}) and
 * how old it is.
 */
public record Observation(String source, Map<String, Integer> objects, int faces, List<String> text, String scene, long ageMillis) {
    public Observation {
        objects = Map.copyOf(objects);
        text = List.copyOf(text);
    }
}
