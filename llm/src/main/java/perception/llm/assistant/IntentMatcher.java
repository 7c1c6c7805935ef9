package perception.llm.assistant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import perception.llm.skills.Expression;
import perception.llm.skills.Look;
import perception.llm.skills.Numbers;
import perception.llm.skills.Units;

/**
 * Matches what the user said (a transcript or typed text) to an intent with sentence templates:
 * several phrasings per intent, slots for places, numbers and units. Tolerant of what speech
 * recognition does: no punctuation, "what time in it in tokyo", number words. Only the user's own
 * words are matched, never perceived text, so a sign cannot trigger a skill.
 */
public final class IntentMatcher {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final String NOW = "[ now| right now| currently| at the moment| today| here]";
    private static final String IN = "[ (in|at|for|over in) {place}]";

    private record Template(Pattern pattern, String what) {
    }

    private static final List<Template> CLOCK = new ArrayList<>();
    private static final List<Pattern> LOOK_DESCRIBE = new ArrayList<>();
    private static final List<Pattern> LOOK_COUNT = new ArrayList<>();
    private static final List<Pattern> LOOK_PRESENT = new ArrayList<>();
    private static final List<Pattern> READ = new ArrayList<>();
    private static final List<Pattern> HELP = new ArrayList<>();
    private static final List<Pattern> GREETING = new ArrayList<>();
    private static final List<Pattern> UNITS = new ArrayList<>();

    private static void clock(String what, String... templates) {
        for (String t : templates) CLOCK.add(new Template(Templates.compile(t), what));
    }

    private static void add(List<Pattern> list, String... templates) {
        for (String t : templates) list.add(Templates.compile(t));
    }

    static {
        clock("time", "what time[ is it| it is| is it now]" + NOW + IN + NOW, "what is the[ current| local| exact] time" + NOW + IN + NOW,
                "[the ][current |local |exact ]time" + NOW + IN + NOW, "what time do you have" + IN, "(what|which) hour is it" + NOW + IN + NOW,
                "how late is it" + NOW + IN + NOW, "time check" + IN);
        clock("date", "what is the date" + NOW + IN + NOW, "what is today's date" + IN, "what date is it" + NOW + IN + NOW,
                "[what is ]the date today" + IN, "today's date" + IN, "what is the date and time" + IN);
        clock("day", "(what|which) day is it" + NOW + IN + NOW, "what day of the week is it" + NOW + IN + NOW, "what is today" + IN,
                "what day is today" + IN);
        add(UNITS, "[convert |change |turn ]{q} (to|two|too|in|into|in to|as) {to}", "how many {to} (are there |are |is |make |go |fit |in |are in |is in |)(in|into|is|are|make|per|to) {q}");
        add(LOOK_DESCRIBE, "what (do|can) you see[ now| right now| there| here| in front of you| at the moment][ now| right now]",
                "what are you (seeing|looking at)[ now| right now]", "what is in front of (you|me|the camera)",
                "what is (in|on) (the|this|that|my) (picture|image|photo|camera|screen|video|view)",
                "describe (it|this|that|the scene|what you see|the picture|the image|the photo|the view|the room|the camera|the camera view)",
                "look[ around]", "take a look", "what does the camera (see|show)", "what is there", "what is around (you|me)",
                "(can|do) you see anything", "what is visible", "what is this[ picture| image| photo]");
        String where = "[ (in|on) (the|this|that|my) (picture|image|photo|room|view|camera|scene|video)| here| there| in front of (you|me|the camera)][ now| right now]";
        add(LOOK_COUNT, "how many {thing}( are there| do you see| can you see| are visible| is there| there are| are in front of you| are)" + where,
                "how many {thing}" + where, "count the {thing}" + where);
        add(LOOK_PRESENT, "(is|are) there (a |an |any |some |){thing}" + where, "(do|can) you see (a |an |any |some |the |){thing}" + where);
        String thing = "(it|this|that|the sign|this sign|that sign|the text|the label|the screen|the page|the note|the board|the paper|the writing|the poster|the card|the menu|the book|the letter|the message)";
        add(READ, "what does " + thing + " say", "what (do|does) (the|this|that) {x} say", "what does it read",
                "read[ it| this| that| the text| the sign| the writing| what it says| what is written| " + thing + "][ out][ to me| for me][ aloud| out loud]",
                "what is written[ on it| there| here| on " + thing + "]", "what (is|does) the text (say|read)", "what text do you see",
                "can you read[ it| this| that| the text| the sign| what it says| " + thing + "][ to me| for me]", "is there any (text|writing)");
        add(HELP, "help[ me]", "what can you do", "what are you able to do", "what do you do", "who are you", "what are you",
                "how do you work", "what can i ask[ you]", "what do you know");
        add(GREETING, "(hello|hi|hey|good morning|good afternoon|good evening|hi there|hello there|howdy)[ there][ assistant][ how are you]");
    }

    /** The intent of a sentence, or empty when it is none the built-in assistant knows. */
    public Optional<Intent> match(String sentence) {
        if (sentence == null) return Optional.empty();
        String s = normalise(sentence);
        if (s.isEmpty() || s.length() > 300) return Optional.empty();
        for (Template t : CLOCK) {
            Matcher m = t.pattern.matcher(s);
            if (m.matches()) {
                ObjectNode args = F.objectNode().put("what", t.what);
                String place = group(m, "place");
                if (place != null && !place.equals("here")) args.put("place", place);
                return intent("time", "clock", args);
            }
        }
        Optional<Intent> units = units(s);
        if (units.isPresent()) return units;
        Optional<Intent> calc = calculation(s);
        if (calc.isPresent()) return calc;
        for (Pattern p : LOOK_COUNT) {
            Matcher m = p.matcher(s);
            if (m.matches() && Look.label(m.group("thing")) != null) {
                return intent("count", "look", F.objectNode().put("question", "count").put("object", m.group("thing")));
            }
        }
        for (Pattern p : LOOK_PRESENT) {
            Matcher m = p.matcher(s);
            if (m.matches() && Look.label(m.group("thing")) != null) {
                return intent("present", "look", F.objectNode().put("question", "present").put("object", m.group("thing")));
            }
        }
        if (any(LOOK_DESCRIBE, s)) return intent("describe", "look", F.objectNode().put("question", "describe"));
        if (any(READ, s)) return intent("read", "read", F.objectNode());
        if (any(HELP, s)) return Optional.of(new Intent(Intent.HELP, null, F.objectNode()));
        if (any(GREETING, s)) return Optional.of(new Intent(Intent.GREETING, null, F.objectNode()));
        return Optional.empty();
    }

    private static Optional<Intent> intent(String name, String skill, ObjectNode args) {
        return Optional.of(new Intent(name, skill, args));
    }

    private static boolean any(List<Pattern> patterns, String s) {
        for (Pattern p : patterns) if (p.matcher(s).matches()) return true;
        return false;
    }

    private static String group(Matcher m, String name) {
        try {
            return m.group(name);
        } catch (IllegalArgumentException noSuchGroup) {
            return null;
        }
    }

    private static Optional<Intent> units(String s) {
        String t = s.replaceFirst("^(what is|how much is|how many is|what are) ", "");
        for (Pattern p : UNITS) {
            Matcher m = p.matcher(t);
            if (!m.matches()) continue;
            String to = m.group("to").replaceFirst("^(the |a |an )", "");
            if (Units.find(to).isEmpty()) continue;
            List<String> words = List.of(m.group("q").split(" "));
            boolean negative = !words.isEmpty() && (words.get(0).equals("minus") || words.get(0).equals("negative"));
            if (negative) words = words.subList(1, words.size());
            for (int k = 1; k < words.size(); k++) {
                List<String> number = words.subList(0, k);
                BigDecimal value = number.size() == 1 && (number.get(0).equals("a") || number.get(0).equals("an") || number.get(0).equals("one"))
                        ? BigDecimal.ONE : Numbers.parseAll(number);
                String unit = String.join(" ", words.subList(k, words.size()));
                if (value != null && Units.find(unit).isPresent()) {
                    return intent("convert", "units", F.objectNode().put("value", negative ? value.negate() : value).put("from", unit).put("to", to));
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Intent> calculation(String s) {
        String e = s.replaceFirst("^(what is|what are|what does|how much is|how much are|calculate|compute|work out|evaluate|solve|what do you get for|what would be) ", "")
                .replaceFirst(" (equal|equals|make|makes|come to|comes to|is|be)$", "");
        if (Expression.parse(e) == null) return Optional.empty();
        return intent("calculate", "calculator", F.objectNode().put("expression", e));
    }

    /**
     * Lower case, contractions spelled out, punctuation dropped (but not inside numbers or
     * arithmetic), polite openings and closings dropped, and common recognition slips fixed.
     */
    static String normalise(String text) {
        String s = text.toLowerCase(Locale.ROOT).replace('’', '\'').replace('‘', '\'').replace('“', ' ').replace('”', ' ')
                .replaceAll("\\bwhat's\\b", "what is").replaceAll("\\bwhats\\b", "what is").replaceAll("\\bit's\\b", "it is")
                .replaceAll("\\bwhat're\\b", "what are").replaceAll("\\bthat's\\b", "that is").replaceAll("\\bthere's\\b", "there is")
                .replaceAll("\\bhow's\\b", "how is").replaceAll("\\bwho's\\b", "who is").replaceAll("\\bi'd\\b", "i would")
                .replaceAll("[?!;:\"]", " ").replaceAll("(?<!\\d),|,(?!\\d)", " ").replaceAll("(?<!\\d)\\.(?!\\d)|(?<=\\d)\\.(?!\\d)", " ")
                .replaceAll("\\s+", " ").strip();
        String before;
        do {
            before = s;
            s = s.replaceFirst("^(hey|ok|okay|so|um|uh|er|well|please|assistant|computer|and|now|then|oh|alright|right)\\b ?", "")
                    .replaceFirst("^(the|a) (convert|what|how|calculate)\\b", "$2")
                    .replaceFirst("^(can|could|would|will) you (please )?(tell me|say|let me know|check) ", "")
                    .replaceFirst("^(tell me|let me know|do you know|i want to know|i would like to know|i wonder|i wonder if you know|show me) ", "")
                    .replaceFirst(" (please|for me|thanks|thank you|then|now please)$", "").strip();
        } while (!s.equals(before));
        // recognition slips and indirect questions
        // "while time is it", "what time in it", "what time is at": the recogniser's ways with "what time is it"
        s = s.replaceFirst("^([a-z']+ )?time (is|in|was|as) (it|at|a|that)\\b", "what time is it")
                .replaceAll("^what time (in|is) it (in|is) ", "what time is it in ").replaceFirst("^what time in it$", "what time is it")
                .replaceFirst("^what time it is\\b", "what time is it").replaceFirst("^what the time\\b", "what is the time")
                .replaceFirst("^what is time\\b", "what is the time").replaceFirst("^what time is in ", "what time is it in ")
                .replaceFirst("^what time is it is ", "what time is it in ").replaceFirst("^what you see\\b", "what do you see")
                .replaceFirst("^what day it is\\b", "what day is it").replaceFirst("^what date it is\\b", "what date is it");
        return s;
    }
}
