package perception.llm.skills;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * The current time, date and weekday anywhere ({@link Places}), or in the user's own zone when
 * no place is given. Says the time the way people do: "four thirty two in the afternoon", "ten
 * o'clock in the morning", "midday".
 */
public final class Clock implements Skill {

    @Override
    public String name() {
        return "clock";
    }

    @Override
    public String description() {
        return "The current time, date and day of the week, in any city, country or IANA time zone, or where the user is when no place is given.";
    }

    @Override
    public ObjectNode parameters() {
        return Json.schema(new String[0], "place", "string", "a city, country or IANA zone such as Tokyo, New York or Europe/Paris; omit for the user's own time",
                "what", "string", "enum:time,date,day what to say: the time (default), the date, or the day of the week");
    }

    @Override
    public SkillResult run(ObjectNode arguments, SkillContext context) throws SkillException {
        String place = Json.string(arguments, "place");
        String what = Json.string(arguments, "what");
        if (what == null) what = "time";
        if (!what.equals("time") && !what.equals("date") && !what.equals("day")) throw new SkillException("\"what\" must be time, date or day.");
        Places.Place p;
        if (place == null || place.equalsIgnoreCase("here")) {
            p = new Places.Place(null, context.userZone());
        } else {
            p = Places.find(place).orElseThrow(() -> new SkillException("I don't know a place called " + place
                    + ". Name a city or a country, or a time zone such as Europe/Paris."));
        }
        ZonedDateTime t = context.now().atZone(p.zone());
        String weekday = t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
        String month = t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
        ObjectNode data = Json.object().put("place", p.name()).put("zone", p.zone().getId())
                .put("time", t.format(DateTimeFormatter.ofPattern("HH:mm"))).put("date", t.toLocalDate().toString())
                .put("weekday", weekday).put("utc_offset", t.getOffset().getId().equals("Z") ? "+00:00" : t.getOffset().getId())
                .put("iso", t.toOffsetDateTime().toString());
        String in = p.name() == null ? "" : " in " + p.name();
        String spokenDate = "the " + Numbers.ordinal(t.getDayOfMonth()) + " of " + month;
        String writtenDate = weekday + " " + t.getDayOfMonth() + " " + month + " " + t.getYear();
        return switch (what) {
            case "date" -> new SkillResult(data, "It is " + weekday + ", " + spokenDate + in + ".",
                    "It is " + writtenDate + in + " (" + p.zone().getId() + ").");
            case "day" -> new SkillResult(data, "It is " + weekday + in + ".", "It is " + weekday + in + " (" + writtenDate + ").");
            default -> new SkillResult(data, "It is " + spokenTime(t.getHour(), t.getMinute()) + in + ", on " + weekday + ".",
                    "It is " + t.format(DateTimeFormatter.ofPattern("HH:mm")) + in + ", " + writtenDate + " (" + p.zone().getId() + ").");
        };
    }

    /**
     * "twenty seven minutes past ten o'clock in the morning", "ten o'clock at night", "midday",
     * "five minutes past midnight". Hours are said next to "o'clock" (or as midday and midnight)
     * because synthesised "ten twenty seven" is heard back as "turned twenty seven" and "twelve"
     * as "well": this way a listener, or a recogniser, hears the hour.
     */
    static String spokenTime(int hour, int minute) {
        String h = hour == 12 ? "midday" : hour == 0 ? "midnight"
                : Numbers.integerWords(java.math.BigInteger.valueOf(hour % 12)) + " o'clock";
        String part = hour == 12 || hour == 0 ? "" : hour < 5 ? " at night" : hour < 12 ? " in the morning" : hour < 18 ? " in the afternoon"
                : hour < 21 ? " in the evening" : " at night";
        if (minute == 0) return h + part;
        String m = minute == 1 ? "one minute" : Numbers.integerWords(java.math.BigInteger.valueOf(minute)) + " minutes";
        return m + " past " + h + part;
    }
}
