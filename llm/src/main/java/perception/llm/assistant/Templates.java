package perception.llm.assistant;

import java.util.regex.Pattern;

/**
 * Sentence templates, Home Assistant style: words, {@code [optional]} parts, {@code (a|b)}
 * alternatives (both may hold {@code |}), and {@code {slot}} captures. Compiled to a regex that
 * must match the whole normalised sentence: {@code "what time is it[ in {place}]"}.
 */
final class Templates {
    private Templates() {
    }

    static Pattern compile(String template) {
        StringBuilder r = new StringBuilder("^");
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            switch (c) {
                case '[' -> r.append("(?:");
                case ']' -> r.append(")?");
                case '(' -> r.append("(?:");
                case ')' -> r.append(')');
                case '|' -> r.append('|');
                case '{' -> {
                    int end = template.indexOf('}', i);
                    r.append("(?<").append(template, i + 1, end).append(">[\\p{L}\\p{N}][^|]*?)");
                    i = end;
                }
                default -> r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(r.append('$').toString());
    }
}
