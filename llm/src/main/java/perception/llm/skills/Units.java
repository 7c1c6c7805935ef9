package perception.llm.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Unit conversion for length, mass, temperature, volume, speed and time, with exact factors
 * (the inch is 0.0254 m, the US gallon 3.785411784 L). Names as people say them: "miles",
 * "km", "degrees fahrenheit", "kilometres per hour", "cups" (US).
 */
public final class Units implements Skill {

    /** A unit: its dimension, names, and value in the base unit = num / den (temperature has its own rule). */
    record Unit(String dimension, String singular, String plural, BigDecimal num, BigDecimal den, List<String> names) {
        BigDecimal toBase(BigDecimal v) {
            if (dimension.equals("temperature")) {
                return switch (singular) {
                    case "degree Celsius" -> v;
                    case "degree Fahrenheit" -> v.subtract(BigDecimal.valueOf(32)).multiply(BigDecimal.valueOf(5)).divide(BigDecimal.valueOf(9), MathContext.DECIMAL128);
                    default -> v.subtract(new BigDecimal("273.15"));
                };
            }
            return v.multiply(num).divide(den, MathContext.DECIMAL128);
        }

        BigDecimal fromBase(BigDecimal v) {
            if (dimension.equals("temperature")) {
                return switch (singular) {
                    case "degree Celsius" -> v;
                    case "degree Fahrenheit" -> v.multiply(BigDecimal.valueOf(9)).divide(BigDecimal.valueOf(5), MathContext.DECIMAL128).add(BigDecimal.valueOf(32));
                    default -> v.add(new BigDecimal("273.15"));
                };
            }
            return v.multiply(den).divide(num, MathContext.DECIMAL128);
        }
    }

    private static final Map<String, Unit> BY_NAME = new LinkedHashMap<>();

    private static void unit(String dimension, String singular, String plural, String num, String den, String... names) {
        Unit u = new Unit(dimension, singular, plural, new BigDecimal(num), new BigDecimal(den), List.of(names));
        BY_NAME.put(singular.toLowerCase(Locale.ROOT), u);
        BY_NAME.put(plural.toLowerCase(Locale.ROOT), u);
        for (String n : names) BY_NAME.put(n, u);
    }

    static {
        unit("length", "millimetre", "millimetres", "0.001", "1", "mm", "millimeter", "millimeters");
        unit("length", "centimetre", "centimetres", "0.01", "1", "cm", "centimeter", "centimeters");
        unit("length", "metre", "metres", "1", "1", "m", "meter", "meters");
        unit("length", "kilometre", "kilometres", "1000", "1", "km", "kilometer", "kilometers", "kilo meters");
        unit("length", "inch", "inches", "0.0254", "1", "in", "\"");
        unit("length", "foot", "feet", "0.3048", "1", "ft", "foots");
        unit("length", "yard", "yards", "0.9144", "1", "yd");
        unit("length", "mile", "miles", "1609.344", "1", "mi");
        unit("length", "nautical mile", "nautical miles", "1852", "1", "nmi");
        unit("mass", "milligram", "milligrams", "0.000001", "1", "mg");
        unit("mass", "gram", "grams", "0.001", "1", "g", "gramme", "grammes");
        unit("mass", "kilogram", "kilograms", "1", "1", "kg", "kilo", "kilos", "kilogramme", "kilogrammes");
        unit("mass", "tonne", "tonnes", "1000", "1", "t", "metric ton", "metric tons");
        unit("mass", "ounce", "ounces", "0.028349523125", "1", "oz");
        unit("mass", "pound", "pounds", "0.45359237", "1", "lb", "lbs");
        unit("mass", "stone", "stone", "6.35029318", "1", "st", "stones");
        unit("temperature", "degree Celsius", "degrees Celsius", "1", "1", "celsius", "centigrade", "c", "degree c", "degrees c", "°c");
        unit("temperature", "degree Fahrenheit", "degrees Fahrenheit", "1", "1", "fahrenheit", "f", "degree f", "degrees f", "°f");
        unit("temperature", "kelvin", "kelvin", "1", "1", "kelvins", "degrees kelvin");
        unit("volume", "millilitre", "millilitres", "0.001", "1", "ml", "milliliter", "milliliters");
        unit("volume", "litre", "litres", "1", "1", "l", "liter", "liters");
        unit("volume", "cubic metre", "cubic metres", "1000", "1", "m3", "cubic meter", "cubic meters");
        unit("volume", "teaspoon", "teaspoons", "0.00492892159375", "1", "tsp");
        unit("volume", "tablespoon", "tablespoons", "0.01478676478125", "1", "tbsp");
        unit("volume", "fluid ounce", "fluid ounces", "0.0295735295625", "1", "fl oz");
        unit("volume", "cup", "cups", "0.2365882365", "1");
        unit("volume", "pint", "pints", "0.473176473", "1", "pt");
        unit("volume", "quart", "quarts", "0.946352946", "1", "qt");
        unit("volume", "gallon", "gallons", "3.785411784", "1", "gal");
        unit("speed", "metre per second", "metres per second", "1", "1", "m/s", "meter per second", "meters per second");
        unit("speed", "kilometre per hour", "kilometres per hour", "1000", "3600", "km/h", "kph", "kmh", "kilometer per hour",
                "kilometers per hour", "kilometres an hour", "kilometers an hour");
        unit("speed", "mile per hour", "miles per hour", "1609.344", "3600", "mph", "miles an hour");
        unit("speed", "knot", "knots", "1852", "3600", "kn");
        unit("speed", "foot per second", "feet per second", "0.3048", "1", "ft/s");
        unit("time", "millisecond", "milliseconds", "0.001", "1", "ms");
        unit("time", "second", "seconds", "1", "1", "s", "sec", "secs");
        unit("time", "minute", "minutes", "60", "1", "min", "mins");
        unit("time", "hour", "hours", "3600", "1", "h", "hr", "hrs");
        unit("time", "day", "days", "86400", "1", "d");
        unit("time", "week", "weeks", "604800", "1", "wk");
        unit("time", "year", "years", "31557600", "1", "yr", "yrs"); // Julian year, 365.25 days
    }

    /** A unit by any of its names ("km", "kilometres", "degrees fahrenheit"), ignoring case. */
    public static Optional<Unit> find(String name) {
        if (name == null) return Optional.empty();
        String n = name.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ").replaceFirst("^(a |an |the )", "");
        Unit u = BY_NAME.get(n);
        if (u == null && n.startsWith("degrees ")) u = BY_NAME.get(n.substring(8));
        if (u == null && n.startsWith("degree ")) u = BY_NAME.get(n.substring(7));
        if (u == null && n.startsWith("square ")) return Optional.empty();
        return Optional.ofNullable(u);
    }

    @Override
    public String name() {
        return "units";
    }

    @Override
    public String description() {
        return "Converts a quantity between units of length, mass, temperature, volume (US cups, pints, gallons), speed or time.";
    }

    @Override
    public ObjectNode parameters() {
        return Json.schema(new String[] {"value", "from", "to"}, "value", "number", "the quantity to convert",
                "from", "string", "its unit, e.g. miles, kg, degrees fahrenheit, km/h", "to", "string", "the unit wanted, e.g. kilometres, pounds, celsius");
    }

    @Override
    public SkillResult run(ObjectNode arguments, SkillContext context) throws SkillException {
        var v = arguments == null ? null : arguments.get("value");
        BigDecimal value;
        if (v != null && v.isNumber()) value = v.decimalValue();
        else if (v != null && v.isTextual() && Numbers.parseAll(Expression.words(v.asText())) != null) value = Numbers.parseAll(Expression.words(v.asText()));
        else throw new SkillException("\"value\" must be a number, e.g. 5.");
        String fromName = Json.string(arguments, "from");
        String toName = Json.string(arguments, "to");
        Unit from = find(fromName).orElseThrow(() -> new SkillException("I don't know the unit \"" + fromName + "\"."));
        Unit to = find(toName).orElseThrow(() -> new SkillException("I don't know the unit \"" + toName + "\"."));
        if (!from.dimension().equals(to.dimension())) {
            throw new SkillException("I can't convert " + from.plural() + " to " + to.plural() + ": one is a " + from.dimension()
                    + " and the other a " + to.dimension() + ".");
        }
        BigDecimal result = to.fromBase(from.toBase(value)).round(new MathContext(15, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        BigDecimal said = result.setScale(Math.min(Math.max(result.scale(), 0), 2), RoundingMode.HALF_UP);
        boolean about = said.compareTo(result) != 0;
        ObjectNode data = Json.object().put("value", Numbers.plain(value)).put("from", from.plural()).put("to", to.plural())
                .put("result", Numbers.plain(result)).put("dimension", from.dimension());
        String speech = Json.capitalise(Numbers.words(value, 6)) + " " + name(from, value) + " is " + (about ? "about " : "")
                + Numbers.words(result, 2) + " " + name(to, said) + ".";
        String text = Numbers.plain(value) + " " + name(from, value) + " = " + Numbers.plain(result) + " " + name(to, result) + ".";
        return new SkillResult(data, speech, text);
    }

    private static String name(Unit u, BigDecimal v) {
        return v.compareTo(BigDecimal.ONE) == 0 ? u.singular() : u.plural();
    }
}
