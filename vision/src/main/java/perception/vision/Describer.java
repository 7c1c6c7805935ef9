package perception.vision;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One or two plain English sentences from an analysis, for when no language model is configured:
 * "A photo of two people and a dog, mostly green. Text reads 'EXIT'." Reported as
 * {@code describer: "analysis"} by the gateway.
 */
public final class Describer {
    private static final String[] NUMBERS = {"no", "a", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
    private static final Map<String, String> PLURALS = Map.of("person", "people", "mouse", "mice", "knife", "knives",
            "sheep", "sheep", "skis", "pairs of skis", "scissors", "pairs of scissors", "bus", "buses", "wine glass", "wine glasses",
            "bench", "benches", "sandwich", "sandwiches");
    private static final Set<String> VOWEL_START = Set.of('a', 'e', 'i', 'o', 'u').stream().map(String::valueOf)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    private Describer() {
    }

    public static String describe(Analysis a) {
        List<String> parts = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (a.objects() != null) for (DetectedObject o : a.objects()) counts.merge(o.label(), 1, Integer::sum);
        counts.forEach((label, n) -> parts.add(count(label, n)));
        int faces = a.faces() == null ? 0 : a.faces().size();
        if (faces > 0 && !counts.containsKey("person")) parts.add(count("face", faces));
        StringBuilder s = new StringBuilder();
        if (parts.isEmpty()) {
            s.append("An image with no objects I can recognise");
        } else {
            s.append("A photo of ").append(join(parts));
        }
        if (a.scene() != null) {
            if (!a.scene().colours().isEmpty()) s.append(parts.isEmpty() ? ", mostly " : ", mostly ").append(a.scene().colours().get(0).name());
            if (a.scene().brightness() < 0.2) s.append(", taken in dim light");
        }
        s.append('.');
        if (a.text() != null && !a.text().isEmpty()) {
            List<String> quoted = new ArrayList<>();
            for (TextLine t : a.text().subList(0, Math.min(5, a.text().size()))) quoted.add("'" + t.text() + "'");
            s.append(a.text().size() == 1 ? " Text reads " : " The text reads ").append(String.join(", ", quoted));
            if (a.text().size() > 5) s.append(" and more");
            s.append('.');
        }
        return s.toString();
    }

    static String count(String label, int n) {
        if (n == 1) return (VOWEL_START.contains(label.substring(0, 1)) ? "an " : "a ") + label;
        String plural = PLURALS.getOrDefault(label, label.endsWith("s") ? label : label + "s");
        return (n < NUMBERS.length ? NUMBERS[n] : String.valueOf(n)) + " " + plural;
    }

    private static String join(List<String> parts) {
        if (parts.size() == 1) return parts.get(0);
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }
}
