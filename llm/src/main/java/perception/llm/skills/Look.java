package perception.llm.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the camera (or the last picture) shows, from the vision analysis in
 * {@link SkillContext#observation()}: a description, how many of something there are, or whether
 * something is there. Only the 80 kinds of objects the detector knows (COCO) can be counted; a
 * question about anything else gets an honest "I can't recognise".
 */
public final class Look implements Skill {
    /** The detector's labels (COCO), the only things it can find. */
    static final Set<String> LABELS = Set.of("person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
            "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
            "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard",
            "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass",
            "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza",
            "donut", "cake", "chair", "couch", "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote",
            "keyboard", "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
            "teddy bear", "hair drier", "toothbrush");
    private static final Map<String, String> SYNONYMS = Map.ofEntries(Map.entry("people", "person"), Map.entry("persons", "person"),
            Map.entry("man", "person"), Map.entry("men", "person"), Map.entry("woman", "person"), Map.entry("women", "person"),
            Map.entry("human", "person"), Map.entry("humans", "person"), Map.entry("child", "person"), Map.entry("children", "person"),
            Map.entry("kid", "person"), Map.entry("kids", "person"), Map.entry("someone", "person"), Map.entry("somebody", "person"),
            Map.entry("anyone", "person"), Map.entry("anybody", "person"), Map.entry("boy", "person"), Map.entry("girl", "person"),
            Map.entry("puppy", "dog"), Map.entry("puppies", "dog"), Map.entry("kitten", "cat"), Map.entry("bike", "bicycle"),
            Map.entry("motorbike", "motorcycle"), Map.entry("plane", "airplane"), Map.entry("aeroplane", "airplane"),
            Map.entry("phone", "cell phone"), Map.entry("mobile phone", "cell phone"), Map.entry("smartphone", "cell phone"),
            Map.entry("television", "tv"), Map.entry("sofa", "couch"), Map.entry("plant", "potted plant"), Map.entry("table", "dining table"),
            Map.entry("fridge", "refrigerator"), Map.entry("ball", "sports ball"), Map.entry("computer", "laptop"),
            Map.entry("mice", "mouse"), Map.entry("knives", "knife"), Map.entry("buses", "bus"), Map.entry("glass", "wine glass"),
            Map.entry("benches", "bench"), Map.entry("sandwiches", "sandwich"), Map.entry("doughnut", "donut"));
    private static final Map<String, String> PLURALS = Map.of("person", "people", "mouse", "mice", "knife", "knives", "sheep", "sheep",
            "bus", "buses", "bench", "benches", "sandwich", "sandwiches", "wine glass", "wine glasses", "skis", "pairs of skis",
            "scissors", "pairs of scissors");
    private static final int FRESH_MS = 10_000;

    @Override
    public String name() {
        return "look";
    }

    @Override
    public String description() {
        return "What the user's camera (or the last picture they sent) shows, from the vision analysis: objects with counts, faces, "
                + "the scene. Can count one kind of object or say whether it is there.";
    }

    @Override
    public ObjectNode parameters() {
        return Json.schema(new String[0], "question", "string", "enum:describe,count,present describe the view (default), count an object, or say whether it is there",
                "object", "string", "for count and present: the kind of object, e.g. person, dog, car");
    }

    /** The detector's label for what a user calls something ("people" → person, "dogs" → dog), or null if it has none. */
    public static String label(String thing) {
        if (thing == null) return null;
        String t = thing.toLowerCase(Locale.ROOT).strip().replaceFirst("^(a|an|any|some|the)\\s+", "");
        if (LABELS.contains(t)) return t;
        if (SYNONYMS.containsKey(t)) return SYNONYMS.get(t);
        for (String suffix : List.of("es", "s")) {
            if (t.endsWith(suffix)) {
                String s = t.substring(0, t.length() - suffix.length());
                if (LABELS.contains(s)) return s;
                if (SYNONYMS.containsKey(s)) return SYNONYMS.get(s);
            }
        }
        return null;
    }

    @Override
    public SkillResult run(ObjectNode arguments, SkillContext context) throws SkillException {
        String question = Json.string(arguments, "question");
        if (question == null) question = "describe";
        Observation o = context.observation().orElseThrow(() -> new SkillException(
                "I have nothing to look at: link a camera to this conversation, or send me a picture."));
        ObjectNode data = Json.object().put("source", o.source()).put("faces", o.faces()).put("age_ms", o.ageMillis());
        ObjectNode objects = data.putObject("objects");
        o.objects().forEach(objects::put);
        if (o.scene() != null) data.put("scene", o.scene());
        String where = (o.source().equals("camera") ? "" : " in the picture") + (o.ageMillis() > FRESH_MS ? ", " + stale(o) : "");
        switch (question) {
            case "count", "present" -> {
                String thing = Json.string(arguments, "object");
                if (thing == null) throw new SkillException("Say what to look for, for example people or a dog.");
                String label = label(thing);
                if (label == null) {
                    throw new SkillException("I can't recognise " + thing + "; I can find people, animals, vehicles and about eighty everyday objects.");
                }
                int n = count(o, label);
                data.put("object", label).put("count", n);
                String speech = question.equals("count")
                        ? (n == 0 ? "I don't see any " + plural(label) : "I see " + count(label, n)) + where + "."
                        : (n == 0 ? "No, I don't see " + article(label) : "Yes, I see " + count(label, n)) + where + ".";
                return new SkillResult(data, speech);
            }
            case "describe" -> {
                return new SkillResult(data, describe(o) + (o.ageMillis() > FRESH_MS ? " That was " + stale(o) + "." : ""));
            }
            default -> throw new SkillException("\"question\" must be describe, count or present.");
        }
    }

    /** People are counted by the person detector, or by faces when it found none. */
    static int count(Observation o, String label) {
        int n = o.objects().getOrDefault(label, 0);
        return label.equals("person") && n == 0 ? o.faces() : n;
    }

    static String describe(Observation o) {
        List<String> parts = new ArrayList<>();
        o.objects().entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(e -> parts.add(count(e.getKey(), e.getValue())));
        if (o.faces() > 0 && !o.objects().containsKey("person")) parts.add(count("face", o.faces()));
        StringBuilder s = new StringBuilder(parts.isEmpty() ? "I don't see anything I can recognise" : "I see " + join(parts));
        if (o.scene() != null && !o.scene().isBlank()) s.append(parts.isEmpty() ? "; the view is " : ". The view is ").append(o.scene());
        s.append('.');
        if (!o.text().isEmpty()) s.append(o.text().size() == 1 ? " There is some writing." : " There are " + Numbers.integerWords(java.math.BigInteger.valueOf(o.text().size())) + " lines of writing.");
        return s.toString();
    }

    private static String stale(Observation o) {
        return "as of " + Numbers.integerWords(java.math.BigInteger.valueOf(o.ageMillis() / 1000)) + " seconds ago";
    }

    static String count(String label, int n) {
        if (n == 1) return article(label);
        return Numbers.integerWords(java.math.BigInteger.valueOf(n)) + " " + plural(label);
    }

    private static String article(String label) {
        return ("aeiou".indexOf(label.charAt(0)) >= 0 ? "an " : "a ") + label;
    }

    private static String plural(String label) {
        return PLURALS.getOrDefault(label, label.endsWith("s") ? label : label + "s");
    }

    private static String join(List<String> parts) {
        if (parts.size() == 1) return parts.get(0);
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

}
