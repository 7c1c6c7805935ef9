package perception.llm.skills;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Exact arithmetic on an expression written in digits and symbols or in the words speech
 * recognition produces: "seventeen times twenty three", "2.5% of 80", "the square root of one
 * hundred forty four", "(1 + 2) ^ 3". BigDecimal throughout; a result that is not exact (1 / 3,
 * irrational roots) is rounded to 34 significant digits and marked inexact.
 */
public final class Expression {
    static final MathContext MC = MathContext.DECIMAL128;
    private static final int MAX_TOKENS = 200;
    private static final int MAX_DIGITS = 2000;

    /** The value, whether it is exact, and the expression re-written for reading and for speaking. */
    public record Result(BigDecimal value, boolean exact, String written, String spoken) {
    }

    private enum Kind { NUM, OP, LPAREN, RPAREN }

    private record Token(Kind kind, String op, BigDecimal num) {
    }

    /** Operator phrases, longest first: words → symbol. */
    private static final String[][] PHRASES = {
            {"to the power of", "^"}, {"raised to the power of", "^"}, {"raised to the", "^"}, {"raised to", "^"}, {"to the", "^"},
            {"multiplied by", "*"}, {"divided by", "/"}, {"square root of", "sqrt"}, {"cube root of", "cbrt"}, {"root of", "sqrt"},
            {"percent of", "%of"}, {"per cent of", "%of"}, {"% of", "%of"}, {"per cent", "%"}, {"open bracket", "("}, {"close bracket", ")"},
            {"plus", "+"}, {"add", "+"}, {"and", "+"}, {"minus", "-"}, {"less", "-"}, {"negative", "neg"}, {"times", "*"}, {"x", "*"},
            {"over", "/"}, {"percent", "%"}, {"squared", "sq"}, {"cubed", "cube"}, {"power", "^"}, {"sqrt", "sqrt"},
            {"+", "+"}, {"-", "-"}, {"−", "-"}, {"*", "*"}, {"×", "*"}, {"·", "*"}, {"/", "/"}, {"÷", "/"}, {"^", "^"}, {"%", "%"},
            {"(", "("}, {")", ")"}, {"√", "sqrt"}, {"∛", "cbrt"}};
    /** Words that carry nothing in an expression ("what is THE square root of 2"). */
    private static final List<String> FILLER = List.of("the", "of", "a", "an", "by");

    private final List<Token> tokens;
    private int pos;
    private boolean exact = true;

    private Expression(List<Token> tokens) {
        this.tokens = tokens;
    }

    /** Splits symbols from digits: "17*23" → "17 * 23"; keeps "2.5" and "1,000" together. */
    static List<String> words(String text) {
        String s = text.toLowerCase(Locale.ROOT).replace("what's", " ").replaceAll("(?<=[a-z])-(?=[a-z])", " ")
                .replaceAll("([+*/^%()×÷−·=√∛-])", " $1 ").replaceAll("[?!;:\"]", " ")
                .replaceAll("(?<!\\d),|,(?!\\d{3})", " ").replaceAll("(?<!\\d)\\.(?!\\d)|(?<=\\d)\\.(?!\\d)", " ");
        List<String> out = new ArrayList<>();
        for (String w : s.trim().split("\\s+")) if (!w.isEmpty() && !w.equals("=")) out.add(w);
        return out;
    }

    /**
     * Reads an expression, or returns null when the text is not one (no operator, or words that
     * are neither numbers nor operators): "what is love" is not arithmetic.
     */
    public static Expression parse(String text) {
        List<String> w = words(text);
        if (w.isEmpty() || w.size() > MAX_TOKENS) return null;
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        boolean operator = false;
        while (i < w.size()) {
            Numbers.Parsed n = Numbers.parse(w, i);
            if (n != null && !(w.get(i).equals("a") && n.tokens() == 0)) {
                tokens.add(new Token(Kind.NUM, null, n.value()));
                i += n.tokens();
                continue;
            }
            String matched = null;
            int length = 0;
            for (String[] p : PHRASES) {
                String[] parts = p[0].split(" ");
                if (i + parts.length <= w.size() && String.join(" ", w.subList(i, i + parts.length)).equals(p[0])) {
                    matched = p[1];
                    length = parts.length;
                    break;
                }
            }
            if (matched != null) {
                // "to the third" / "to the 4th power": ordinal exponents
                if (matched.equals("^") && i + length < w.size()) {
                    Integer ord = ordinalValue(w.get(i + length));
                    if (ord != null) {
                        tokens.add(new Token(Kind.OP, "^", null));
                        tokens.add(new Token(Kind.NUM, null, BigDecimal.valueOf(ord)));
                        i += length + 1;
                        if (i < w.size() && w.get(i).equals("power")) i++;
                        operator = true;
                        continue;
                    }
                }
                tokens.add(matched.equals("(") ? new Token(Kind.LPAREN, null, null)
                        : matched.equals(")") ? new Token(Kind.RPAREN, null, null) : new Token(Kind.OP, matched, null));
                if (!matched.equals("(") && !matched.equals(")")) operator = true;
                i += length;
                continue;
            }
            if (FILLER.contains(w.get(i)) || w.get(i).equals("power")) {
                i++;
                continue;
            }
            return null;
        }
        if (!operator || tokens.stream().noneMatch(t -> t.kind == Kind.NUM)) return null;
        return new Expression(tokens);
    }

    private static Integer ordinalValue(String word) {
        return switch (word) {
            case "second", "2nd" -> 2;
            case "third", "3rd" -> 3;
            case "fourth", "4th" -> 4;
            case "fifth", "5th" -> 5;
            case "sixth", "6th" -> 6;
            case "seventh", "7th" -> 7;
            case "eighth", "8th" -> 8;
            case "ninth", "9th" -> 9;
            case "tenth", "10th" -> 10;
            default -> null;
        };
    }

    /** Evaluates; a malformed expression or an impossible operation raises SkillException. */
    public Result evaluate() throws SkillException {
        pos = 0;
        exact = true;
        Node n = sum();
        if (pos != tokens.size()) throw new SkillException("I could not follow that calculation after \"" + describeAt(pos) + "\".");
        BigDecimal v = n.value;
        if (!exact) v = v.round(MC);
        return new Result(v.stripTrailingZeros(), exact, n.written, n.spoken);
    }

    private String describeAt(int p) {
        Token t = tokens.get(Math.min(p, tokens.size() - 1));
        return t.kind == Kind.NUM ? Numbers.plain(t.num) : t.kind == Kind.OP ? t.op : t.kind == Kind.LPAREN ? "(" : ")";
    }

    private record Node(BigDecimal value, String written, String spoken) {
    }

    private boolean at(String op) {
        return pos < tokens.size() && tokens.get(pos).kind == Kind.OP && tokens.get(pos).op.equals(op);
    }

    private Node sum() throws SkillException {
        Node left = product();
        while (at("+") || at("-")) {
            boolean plus = at("+");
            pos++;
            Node right = product();
            left = new Node(plus ? left.value.add(right.value) : left.value.subtract(right.value),
                    left.written + (plus ? " + " : " − ") + right.written, left.spoken + (plus ? " plus " : " minus ") + right.spoken);
        }
        return left;
    }

    private Node product() throws SkillException {
        Node left = unary();
        while (at("*") || at("/")) {
            boolean times = at("*");
            pos++;
            Node right = unary();
            BigDecimal v;
            if (times) {
                v = left.value.multiply(right.value);
            } else {
                if (right.value.signum() == 0) throw new SkillException("Dividing by zero has no answer.");
                try {
                    v = left.value.divide(right.value);
                } catch (ArithmeticException nonTerminating) {
                    v = left.value.divide(right.value, MC);
                    exact = false;
                }
            }
            checkSize(v);
            left = new Node(v, left.written + (times ? " × " : " ÷ ") + right.written,
                    left.spoken + (times ? " times " : " divided by ") + right.spoken);
        }
        return left;
    }

    /** Signs and roots bind looser than powers: -2^2 = -4, √16^2 = √256... as in maths. */
    private Node unary() throws SkillException {
        if (at("-") || at("neg")) {
            pos++;
            Node n = unary();
            return new Node(n.value.negate(), "−" + n.written, "minus " + n.spoken);
        }
        if (at("+")) {
            pos++;
            return unary();
        }
        if (at("sqrt") || at("cbrt")) {
            boolean square = at("sqrt");
            pos++;
            Node n = unary();
            return new Node(root(n.value, square ? 2 : 3), (square ? "√" : "∛") + n.written,
                    "the " + (square ? "square" : "cube") + " root of " + n.spoken);
        }
        return power();
    }

    private Node power() throws SkillException {
        Node base = postfix(primary());
        if (!at("^")) return base;
        pos++;
        Node exponent = unary(); // right-associative: 2^3^2 = 2^9; 2^-2 = 1/4
        return new Node(pow(base.value, exponent.value), base.written + "^" + exponent.written,
                base.spoken + " to the power of " + exponent.spoken);
    }

    private Node postfix(Node n) throws SkillException {
        while (true) {
            if (at("sq") || at("cube")) {
                int k = at("sq") ? 2 : 3;
                pos++;
                n = new Node(pow(n.value, BigDecimal.valueOf(k)), n.written + (k == 2 ? "²" : "³"), n.spoken + (k == 2 ? " squared" : " cubed"));
            } else if (at("%of")) {
                pos++;
                Node of = unary();
                n = new Node(n.value.movePointLeft(2).multiply(of.value), n.written + "% of " + of.written, n.spoken + " percent of " + of.spoken);
            } else if (at("%")) {
                pos++;
                n = new Node(n.value.movePointLeft(2), n.written + "%", n.spoken + " percent");
            } else {
                return n;
            }
        }
    }

    private Node primary() throws SkillException {
        if (pos >= tokens.size()) throw new SkillException("That calculation ends too early.");
        Token t = tokens.get(pos);
        if (t.kind == Kind.NUM) {
            pos++;
            return new Node(t.num, Numbers.plain(t.num), Numbers.words(t.num, 20));
        }
        if (t.kind == Kind.LPAREN) {
            pos++;
            Node inner = sum();
            if (pos >= tokens.size() || tokens.get(pos).kind != Kind.RPAREN) throw new SkillException("A bracket is not closed.");
            pos++;
            return new Node(inner.value, "(" + inner.written + ")", inner.spoken);
        }
        throw new SkillException("I could not follow that calculation at \"" + describeAt(pos) + "\".");
    }

    private BigDecimal pow(BigDecimal base, BigDecimal exponent) throws SkillException {
        if (exponent.stripTrailingZeros().scale() <= 0) {
            BigInteger e = exponent.toBigInteger();
            if (e.abs().compareTo(BigInteger.valueOf(100_000)) > 0) throw new SkillException("That power is too large to work out.");
            int n = e.intValue();
            double digits = Math.abs(n) * Math.log10(Math.max(1e-300, Math.abs(base.doubleValue())));
            if (base.signum() != 0 && Math.abs(digits) > MAX_DIGITS) throw new SkillException("That number is too large to say.");
            if (n >= 0) return base.pow(n);
            if (base.signum() == 0) throw new SkillException("Zero to a negative power has no answer.");
            try {
                return BigDecimal.ONE.divide(base.pow(-n));
            } catch (ArithmeticException nonTerminating) {
                exact = false;
                return BigDecimal.ONE.divide(base.pow(-n), MC);
            }
        }
        if (base.signum() < 0) throw new SkillException("A negative number to a fractional power is not a real number.");
        double v = Math.pow(base.doubleValue(), exponent.doubleValue());
        if (Double.isInfinite(v) || Double.isNaN(v)) throw new SkillException("That number is too large to say.");
        exact = false;
        return new BigDecimal(v, new MathContext(15));
    }

    private BigDecimal root(BigDecimal v, int k) throws SkillException {
        if (k == 2 && v.signum() < 0) throw new SkillException("A negative number has no real square root.");
        BigDecimal r;
        if (k == 2) {
            r = v.sqrt(MC);
        } else {
            double approx = Math.cbrt(v.doubleValue());
            if (Double.isInfinite(approx)) throw new SkillException("That number is too large to say.");
            r = new BigDecimal(approx, MC);
            // two Newton steps in BigDecimal: r = r - (r^3 - v) / (3 r^2)
            for (int i = 0; i < 3 && r.signum() != 0; i++) {
                r = r.subtract(r.pow(3).subtract(v).divide(r.pow(2).multiply(BigDecimal.valueOf(3)), MC), MC);
            }
        }
        BigDecimal rounded = r.setScale(Math.max(0, v.stripTrailingZeros().scale()), RoundingMode.HALF_EVEN);
        if (rounded.pow(k).compareTo(v) == 0) return rounded.stripTrailingZeros();
        exact = false;
        return r;
    }

    private static void checkSize(BigDecimal v) throws SkillException {
        if (v.precision() - v.scale() > MAX_DIGITS || v.precision() > MAX_DIGITS * 2) throw new SkillException("That number is too large to say.");
    }
}
