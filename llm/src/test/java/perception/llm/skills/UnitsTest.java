package perception.llm.skills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class UnitsTest {
    private final Units units = new Units();

    private SkillResult convert(String value, String from, String to) throws SkillException {
        return units.run(JsonNodeFactory.instance.objectNode().put("value", new java.math.BigDecimal(value)).put("from", from).put("to", to),
                TestContext.at("UTC"));
    }

    private String result(String value, String from, String to) throws SkillException {
        return convert(value, from, to).data().get("result").asText();
    }

    @Test
    void everyDimension() throws SkillException {
        assertEquals("8.04672", result("5", "miles", "km"));
        assertEquals("Five miles is about eight point zero five kilometres.", convert("5", "miles", "km").speech());
        assertEquals("2.54", result("1", "inch", "centimetres"));
        assertEquals("12", result("1", "foot", "inches"));
        assertEquals("2.20462262184878", result("1", "kg", "pounds"));
        assertEquals("100", result("212", "degrees fahrenheit", "celsius"));
        assertEquals("-40", result("-40", "celsius", "fahrenheit"));
        assertEquals("273.15", result("0", "celsius", "kelvin"));
        assertEquals("3.785411784", result("1", "gallon", "litres"));
        assertEquals("16", result("1", "cup", "tablespoons"));
        assertEquals("100", result("27.7777777777778", "m/s", "km/h").substring(0, 3));
        assertEquals("60", result("96.56064", "km/h", "mph"));
        assertEquals("90", result("1.5", "hours", "minutes"));
        assertEquals("One hour is sixty minutes.", convert("1", "hour", "minutes").speech());
        assertEquals("1 hour = 60 minutes.", convert("1", "hour", "minutes").text());
    }

    @Test
    void mismatchedOrUnknownUnitsAreExplained() {
        assertTrue(assertThrows(SkillException.class, () -> convert("1", "kg", "metres")).getMessage().contains("mass"));
        assertTrue(assertThrows(SkillException.class, () -> convert("1", "furlongs", "metres")).getMessage().contains("furlongs"));
    }
}
