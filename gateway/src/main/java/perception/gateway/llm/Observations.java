package perception.gateway.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import perception.llm.skills.Observation;
import perception.vision.Analysis;
import perception.vision.DetectedObject;
import perception.vision.TextLine;

/**
 * The vision analysis of a picture as the skills' {@link Observation}, and as the plain JSON that
 * carries it over the event bus with a generate request ({@code observation}: source, objects
 * counts, faces, text lines, scene, age_ms).
 */
public final class Observations {
    private Observations() {
    }

    public static Observation of(Analysis a, String source, long ageMillis) {
        Map<String, Integer> objects = new LinkedHashMap<>();
        if (a.objects() != null) for (DetectedObject o : a.objects()) objects.merge(o.label(), 1, Integer::sum);
        List<String> text = new ArrayList<>();
        if (a.text() != null) for (TextLine t : a.text()) text.add(t.text());
        return new Observation(source, objects, a.faces() == null ? 0 : a.faces().size(), text, scene(a), ageMillis);
    }

    /** "bright, mostly green", "dim, mostly grey", or null without a scene analysis. */
    static String scene(Analysis a) {
        if (a.scene() == null) return null;
        String light = a.scene().brightness() < 0.2 ? "dim" : a.scene().brightness() > 0.6 ? "bright" : "evenly lit";
        return a.scene().colours().isEmpty() ? light : light + ", mostly " + a.scene().colours().get(0).name();
    }

    public static JsonObject toJson(Observation o) {
        JsonObject objects = new JsonObject();
        o.objects().forEach(objects::put);
        JsonObject j = new JsonObject().put("source", o.source()).put("objects", objects).put("faces", o.faces())
                .put("text", new JsonArray(new ArrayList<>(o.text()))).put("age_ms", o.ageMillis());
        if (o.scene() != null) j.put("scene", o.scene());
        return j;
    }

    /** The bus form back to an Observation; bad shapes raise IllegalArgumentException/ClassCastException (a 400). */
    static Observation fromJson(JsonObject j) {
        Map<String, Integer> objects = new LinkedHashMap<>();
        j.getJsonObject("objects", new JsonObject()).forEach(e -> objects.put(e.getKey(), ((Number) e.getValue()).intValue()));
        List<String> text = new ArrayList<>();
        j.getJsonArray("text", new JsonArray()).forEach(t -> text.add((String) t));
        return new Observation(j.getString("source", "camera"), objects, j.getInteger("faces", 0), text, j.getString("scene"),
                j.getLong("age_ms", 0L));
    }
}
