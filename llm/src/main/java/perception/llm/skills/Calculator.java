package perception.llm.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * Exact arithmetic: + − × ÷, powers, square and cube roots, percentages and brackets, from digits
 * or spoken words ({@link Expression}). Says the result in words ("seventeen times twenty three
 * is three hundred ninety one") and writes it in digits ("17 × 23 = 391").
 */
public final class Calculator implements Skill {
    /** Decimals said aloud; the written answer keeps them all. */
    static final int SPOKEN_DECIMALS = 6;

    @Override
    public String name() {
        return "calculator";
    }

    @Override
    public String description() {
        return "Exact arithmetic: add, subtract, multiply, divide, powers, square and cube roots, percentages and brackets. "
                + "Use it for any calculation instead of working it out yourself.";
    }

    @Override
    public ObjectNode parameters() {
        return Json.schema(new String[] {"expression"}, "expression", "string",
                "the calculation in digits or words, e.g. \"17 * 23\", \"2.5% of 80\", \"sqrt(144)\", \"seventeen times twenty three\"");
    }

    @Override
    public SkillResult run(ObjectNode arguments, SkillContext context) throws SkillException {
        String text = Json.string(arguments, "expression");
        if (text == null) throw new SkillException("Tell me what to calculate, for example seventeen times twenty three.");
        Expression e = Expression.parse(text);
        if (e == null) throw new SkillException("\"" + text + "\" is not a calculation I can do: use numbers with plus, minus, times, divided by, powers, roots or percent.");
        Expression.Result r = e.evaluate();
        BigDecimal said = r.value().setScale(Math.min(Math.max(r.value().scale(), 0), SPOKEN_DECIMALS), java.math.RoundingMode.HALF_UP);
        boolean about = !r.exact() || said.compareTo(r.value()) != 0;
        String result = Numbers.plain(r.value());
        ObjectNode data = Json.object().put("expression", r.written()).put("result", result).put("exact", r.exact());
        String speech = Json.capitalise(r.spoken()) + " is " + (about ? "about " : "") + Numbers.words(r.value(), SPOKEN_DECIMALS) + ".";
        String written = r.written() + (r.exact() ? " = " : " ≈ ") + result;
        return new SkillResult(data, speech, written);
    }
}
