package perception.llm.skills;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Numbers as speech recognition writes them and as a synthesiser should say them: reads
 * "twenty three", "one hundred and five", "two point five", "a thousand", "17", "1,000.5"; says
 * 391 as "three hundred ninety one" and 0.3 as "zero point three".
 */
public final class Numbers {
    private static final List<String> UNITS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
            "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen");
    private static final List<String> TENS = List.of("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety");
    private static final Map<String, BigInteger> SCALES = Map.of("thousand", BigInteger.TEN.pow(3), "million", BigInteger.TEN.pow(6),
            "billion", BigInteger.TEN.pow(9), "trillion", BigInteger.TEN.pow(12));
    private static final String[] SCALE_NAMES = {"", "thousand", "million", "billion", "trillion"};
    /** Recognisers' spellings of the same words. */
    private static final Map<String, String> VARIANTS = Map.of("fourty", "forty", "oh", "zero", "nought", "zero", "naught", "zero", "for", "four");

    private Numbers() {
    }

    /** A parsed number and how many tokens it used. */
    public record Parsed(BigDecimal value, int tokens) {
    }

    /** Whether a token can start a number ("a" only before hundred/thousand...). */
    public static boolean isNumberWord(String token) {
        String t = VARIANTS.getOrDefault(token, token);
        return UNITS.contains(t) || TENS.contains(t) && !t.isEmpty() || t.equals("hundred") || SCALES.containsKey(t) || digits(t) != null;
    }

    /**
     * Reads the longest number at {@code tokens[from]}: digits ("17", "1,000", "2.5") or words.
     * Returns null if there is none. "for" counts as four only between other number words.
     */
    public static Parsed parse(List<String> tokens, int from) {
        if (from >= tokens.size()) return null;
        BigDecimal d = digits(tokens.get(from));
        if (d != null) return new Parsed(d, 1);
        BigInteger total = BigInteger.ZERO;
        BigInteger group = BigInteger.ZERO;
        String last = null; // unit, teen, tens, hundred, scale
        int i = from;
        boolean any = false;
        while (i < tokens.size()) {
            String raw = tokens.get(i);
            String t = VARIANTS.getOrDefault(raw, raw);
            if (raw.equals("for") && !any) break;
            if (t.equals("a") && !any && i + 1 < tokens.size() && (tokens.get(i + 1).equals("hundred") || SCALES.containsKey(tokens.get(i + 1)))) {
                group = BigInteger.ONE;
                last = "unit";
                any = true;
                i++;
                continue;
            }
            if (t.equals("and") && any && ("hundred".equals(last) || "scale".equals(last)) && i + 1 < tokens.size()
                    && (UNITS.contains(tokens.get(i + 1)) || TENS.contains(tokens.get(i + 1)))) {
                i++;
                continue;
            }
            int unit = UNITS.indexOf(t);
            int tens = t.isEmpty() ? -1 : TENS.indexOf(t);
            if (unit >= 0) {
                if ("unit".equals(last) || "teen".equals(last) || "tens".equals(last) && unit >= 10 || "tens".equals(last) && unit == 0) break;
                group = group.add(BigInteger.valueOf(unit));
                last = unit < 10 ? "unit" : "teen";
            } else if (tens >= 0) {
                if (last != null && !"hundred".equals(last) && !"scale".equals(last)) break;
                group = group.add(BigInteger.valueOf(tens * 10L));
                last = "tens";
            } else if (t.equals("hundred")) {
                if (!any || "hundred".equals(last) || "scale".equals(last)) break;
                group = group.multiply(BigInteger.valueOf(100));
                last = "hundred";
            } else if (SCALES.containsKey(t)) {
                if (!any || "scale".equals(last)) break;
                total = total.add(group.multiply(SCALES.get(t)));
                group = BigInteger.ZERO;
                last = "scale";
            } else {
                break;
            }
            any = true;
            i++;
        }
        if (!any) return null;
        BigDecimal value = new BigDecimal(total.add(group));
        // "two point five": the digits after "point" one word each
        if (i + 1 < tokens.size() && tokens.get(i).equals("point")) {
            StringBuilder frac = new StringBuilder();
            int j = i + 1;
            while (j < tokens.size()) {
                int u = UNITS.indexOf(VARIANTS.getOrDefault(tokens.get(j), tokens.get(j)));
                if (u < 0 || u > 9) break;
                frac.append(u);
                j++;
            }
            if (frac.length() > 0) {
                value = value.add(new BigDecimal("0." + frac));
                i = j;
            }
        }
        return new Parsed(value, i - from);
    }

    /** The whole token list as one number, or null. */
    public static BigDecimal parseAll(List<String> tokens) {
        Parsed p = parse(tokens, 0);
        return p != null && p.tokens() == tokens.size() ? p.value() : null;
    }

    private static BigDecimal digits(String token) {
        if (!token.matches("\\d{1,3}(,\\d{3})+(\\.\\d+)?|\\d+(\\.\\d+)?|\\.\\d+")) return null;
        if (token.length() > 60) return null;
        return new BigDecimal(token.replace(",", ""));
    }

    // ---- saying numbers ----

    /**
     * Words for a number, with at most {@code maxDecimals} decimals (rounded half-up). Numbers of a
     * quadrillion and more are said in scientific form.
     */
    public static String words(BigDecimal value, int maxDecimals) {
        BigDecimal v = value.setScale(Math.min(Math.max(value.scale(), 0), maxDecimals), RoundingMode.HALF_UP).stripTrailingZeros();
        if (v.signum() < 0) return "minus " + words(v.negate(), maxDecimals);
        if (v.compareTo(BigDecimal.TEN.pow(15)) >= 0) {
            int exponent = v.precision() - v.scale() - 1;
            BigDecimal mantissa = v.movePointLeft(exponent).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros();
            return words(mantissa, 2) + " times ten to the power of " + integerWords(BigInteger.valueOf(exponent));
        }
        BigInteger whole = v.toBigInteger();
        StringBuilder b = new StringBuilder(integerWords(whole));
        if (v.scale() > 0) {
            String s = v.toPlainString();
            b.append(" point");
            for (char c : s.substring(s.indexOf('.') + 1).toCharArray()) b.append(' ').append(UNITS.get(c - '0'));
        }
        return b.toString();
    }

    /** Words for a whole number below a quadrillion, e.g. "three hundred ninety one". */
    public static String integerWords(BigInteger n) {
        if (n.signum() < 0) return "minus " + integerWords(n.negate());
        if (n.signum() == 0) return "zero";
        StringBuilder b = new StringBuilder();
        int scale = 0;
        while (n.signum() > 0) {
            int chunk = n.mod(BigInteger.valueOf(1000)).intValue();
            n = n.divide(BigInteger.valueOf(1000));
            if (chunk > 0) {
                String w = under1000(chunk) + (scale > 0 ? " " + SCALE_NAMES[scale] : "");
                b.insert(0, b.length() > 0 ? w + " " : w);
            }
            scale++;
        }
        return b.toString();
    }

    private static String under1000(int n) {
        StringBuilder b = new StringBuilder();
        if (n >= 100) {
            b.append(UNITS.get(n / 100)).append(" hundred");
            n %= 100;
            if (n > 0) b.append(' ');
        }
        if (n >= 20) {
            b.append(TENS.get(n / 10));
            if (n % 10 > 0) b.append(' ').append(UNITS.get(n % 10));
        } else if (n > 0) {
            b.append(UNITS.get(n));
        }
        return b.toString();
    }

    /** "first", "second", ... "thirty first". */
    public static String ordinal(int n) {
        String w = integerWords(BigInteger.valueOf(n));
        int space = w.lastIndexOf(' ');
        String head = space < 0 ? "" : w.substring(0, space + 1);
        String tail = space < 0 ? w : w.substring(space + 1);
        String o = switch (tail) {
            case "one" -> "first";
            case "two" -> "second";
            case "three" -> "third";
            case "five" -> "fifth";
            case "eight" -> "eighth";
            case "nine" -> "ninth";
            case "twelve" -> "twelfth";
            default -> tail.endsWith("y") ? tail.substring(0, tail.length() - 1) + "ieth" : tail + "th";
        };
        return head + o;
    }

    /** Plain digits for text answers: no exponent, no trailing zeros. */
    public static String plain(BigDecimal value) {
        BigDecimal v = value.stripTrailingZeros();
        return v.scale() < 0 ? v.setScale(0).toPlainString() : v.toPlainString();
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
