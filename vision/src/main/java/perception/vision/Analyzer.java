package perception.vision;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The analyzers this module runs, by the names the API uses ({@code objects}, {@code faces},
 * {@code text}, {@code scene}). The one list: configuration, routes and {@link Vision} all read it.
 * Which model serves each is the gateway's model catalog (models/models.json, field "analyzer").
 */
public enum Analyzer {
    OBJECTS, FACES, TEXT, SCENE;

    /** The name in requests and configuration. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Scene statistics need no model; the others load one. */
    public boolean needsModel() {
        return this != SCENE;
    }

    /** Every name, in order: objects, faces, text, scene. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Analyzer::wireName).toList();
    }

    /** The analyzer of that name, or null for an unknown one. */
    public static Analyzer of(String name) {
        for (Analyzer a : values()) {
            if (a.wireName().equals(name)) return a;
        }
        return null;
    }
}
