package perception.llm.tools;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import perception.llm.skills.Skill;
import perception.llm.skills.SkillContext;
import perception.llm.skills.SkillException;
import perception.llm.skills.SkillResult;

/**
 * A small real calculator skill for the tool tests: + - * / and parentheses over BigDecimal, by
 * recursive descent. It stands in for the assistant's own calculator so these tests depend only
 * on the Skill SPI.
 */
public final class TestCalculator implements Skill {
    private String text;
    private int at;

    @Override
    public String name() {
        return "calculator";
    }

    @Override
    public String description() {
        return "Exact arithmetic: evaluates an expression with + - * / and parentheses.";
    }

    @Override
    public ObjectNode parameters() {
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("type", "object");
        p.putObject("properties").putObject("expression").put("type", "string").put("description", "e.g. 17*23");
        p.putArray("required").add("expression");
        return p;
    }

    @Override
    public synchronized SkillResult run(ObjectNode arguments, SkillContext context) throws SkillException {
        if (!arguments.path("expression").isTextual()) throw new SkillException("expression is missing: send {\"expression\": \"17*23\"}");
        text = arguments.get("expression").asText().replace(" ", "");
        at = 0;
        BigDecimal value = sum();
        if (at != text.length()) throw new SkillException("cannot read '" + text.substring(at) + "' in the expression");
        String result = value.stripTrailingZeros().toPlainString();
        return new SkillResult(JsonNodeFactory.instance.objectNode().put("expression", text).put("result", result),
                text + " is " + result + ".");
    }

    private BigDecimal sum() throws SkillException {
        BigDecimal v = product();
        while (at < text.length() && (text.charAt(at) == '+' || text.charAt(at) == '-')) {
            char op = text.charAt(at++);
            BigDecimal r = product();
            v = op == '+' ? v.add(r) : v.subtract(r);
        }
        return v;
    }

    private BigDecimal product() throws SkillException {
        BigDecimal v = atom();
        while (at < text.length() && (text.charAt(at) == '*' || text.charAt(at) == '/')) {
            char op = text.charAt(at++);
            BigDecimal r = atom();
            if (op == '/' && r.signum() == 0) throw new SkillException("cannot divide by zero");
            v = op == '*' ? v.multiply(r) : v.divide(r, MathContext.DECIMAL64);
        }
        return v;
    }

    private BigDecimal atom() throws SkillException {
        if (at < text.length() && text.charAt(at) == '(') {
            at++;
            BigDecimal v = sum();
            if (at >= text.length() || text.charAt(at++) != ')') throw new SkillException("a parenthesis is not closed");
            return v;
        }
        int start = at;
        while (at < text.length() && (Character.isDigit(text.charAt(at)) || text.charAt(at) == '.')) at++;
        if (start == at) throw new SkillException("expected a number at position " + start + " of '" + text + "'");
        return new BigDecimal(text.substring(start, at));
    }
}
