package perception.llm.skills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class CalculatorTest {
    private final Calculator calc = new Calculator();

    private SkillResult run(String expression) throws SkillException {
        return calc.run(JsonNodeFactory.instance.objectNode().put("expression", expression), TestContext.at("UTC"));
    }

    private String result(String expression) throws SkillException {
        return run(expression).data().get("result").asText();
    }

    @Test
    void decimalsAreExact() throws SkillException {
        assertEquals("0.3", result("0.1 + 0.2"));
        assertEquals("0.1 + 0.2 = 0.3", run("0.1+0.2").text());
        assertEquals("Zero point one plus zero point two is zero point three.", run("0.1 + 0.2").speech());
        assertEquals("1", result("0.1 * 10"));
        assertEquals("-0.2", result("0.1 - 0.3"));
    }

    @Test
    void spokenWordsAsSpeechRecognitionWritesThem() throws SkillException {
        assertEquals("391", result("seventeen times twenty three"));
        assertEquals("Seventeen times twenty three is three hundred ninety one.", run("seventeen times twenty three").speech());
        assertEquals("2", result("two point five percent of eighty"));
        assertEquals("12", result("the square root of one hundred forty four"));
        assertEquals("106", result("one hundred and five plus one"));
        assertEquals("1024", result("two to the power of ten"));
        assertEquals("1000", result("ten to the third"));
        assertEquals("2500", result("fifty squared"));
        assertEquals("3", result("the cube root of twenty seven"));
        assertEquals("25", result("a hundred divided by four"));
        assertEquals("1001001", result("one million one thousand plus one"));
        assertEquals("-5", result("minus two minus three"));
        assertEquals("48", result("twenty for times two"), "recognisers write four as for");
    }

    @Test
    void precedencePowersRootsPercentBrackets() throws SkillException {
        assertEquals("14", result("2 + 3 * 4"));
        assertEquals("20", result("(2 + 3) * 4"));
        assertEquals("512", result("2 ^ 3 ^ 2"));
        assertEquals("-4", result("-2^2"), "unary minus binds looser than the power, as in maths");
        assertEquals("15", result("10% of 150"));
        assertEquals("0.05", result("5%"));
        assertEquals("1.5", result("3/2"));
        assertEquals("1000000.5", result("1,000,000.5 * 1"));
        assertEquals("0.25", result("2^-2"));
        assertEquals("12", result("√144"));
    }

    @Test
    void inexactResultsSayAbout() throws SkillException {
        SkillResult third = run("1 / 3");
        assertEquals("0.3333333333333333333333333333333333", third.data().get("result").asText());
        assertEquals(false, third.data().get("exact").asBoolean());
        assertEquals("One divided by three is about zero point three three three three three three.", third.speech());
        assertTrue(run("sqrt 2").text().startsWith("√2 ≈ 1.41421356237309504880"), run("sqrt 2").text());
    }

    @Test
    void impossibleOrHugeCalculationsAreExplained() {
        assertTrue(assertThrows(SkillException.class, () -> run("1 / 0")).getMessage().contains("zero"));
        assertTrue(assertThrows(SkillException.class, () -> run("9 ^ 9 ^ 9")).getMessage().contains("too large"));
        assertTrue(assertThrows(SkillException.class, () -> run("(1 + 2")).getMessage().contains("bracket"));
        assertTrue(assertThrows(SkillException.class, () -> run("the meaning of life")).getMessage().contains("not a calculation"));
        assertTrue(assertThrows(SkillException.class, () -> run("square root of minus four")).getMessage().contains("negative"));
    }

    @Test
    void wordsThatAreNotArithmeticAreNoExpression() {
        assertNull(Expression.parse("love"));
        assertNull(Expression.parse("17"), "a number alone is no calculation");
        assertNull(Expression.parse("the weather tomorrow"));
    }

    @Test
    void numbersAreSaidInWords() {
        assertEquals("three hundred ninety one", Numbers.words(new java.math.BigDecimal("391"), 6));
        assertEquals("one million two hundred thirty four thousand five hundred sixty seven", Numbers.words(new java.math.BigDecimal("1234567"), 6));
        assertEquals("minus zero point five", Numbers.words(new java.math.BigDecimal("-0.5"), 6));
        assertEquals("one point two three times ten to the power of twenty", Numbers.words(new java.math.BigDecimal("1.23E+20"), 6));
        assertEquals("twenty first", Numbers.ordinal(21));
        assertEquals("thirtieth", Numbers.ordinal(30));
    }
}
