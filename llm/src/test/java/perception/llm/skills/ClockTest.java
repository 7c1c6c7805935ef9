package perception.llm.skills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ClockTest {
    private final Clock clock = new Clock();

    private SkillResult at(String place) throws SkillException {
        ObjectNode args = JsonNodeFactory.instance.objectNode();
        if (place != null) args.put("place", place);
        return clock.run(args, TestContext.at("Europe/Berlin"));
    }

    @Test
    void saysTheTimeInPlacesPeopleName() throws SkillException {
        // 07:32 UTC on Tuesday 1 December 2026
        assertEquals("It is thirty two minutes past four o'clock in the afternoon in Tokyo, on Tuesday.", at("Tokyo").speech());
        assertEquals("It is thirty two minutes past two o'clock at night in New York, on Tuesday.", at("new york").speech());
        assertEquals("It is thirty two minutes past eleven o'clock at night in San Francisco, on Monday.", at("San Francisco").speech());
        assertEquals("It is two minutes past one o'clock in the afternoon in Delhi, on Tuesday.", at("delhi").speech());
        assertEquals("It is thirty two minutes past six o'clock in the evening in Sydney, on Tuesday.", at("Sydney").speech());
        assertEquals("Asia/Shanghai", at("Beijing").data().get("zone").asText());
        assertEquals("Asia/Kolkata", at("Mumbai").data().get("zone").asText());
        assertEquals("Europe/Moscow", at("moscow").data().get("zone").asText());
        assertEquals("10:32", at("moscow").data().get("time").asText());
        assertTrue(at("Buenos Aires").data().get("zone").asText().endsWith("/Buenos_Aires"), "a JDK zone's city part");
        assertEquals("Europe/Paris", at("Europe/Paris").data().get("zone").asText(), "an IANA id");
        assertEquals("Asia/Tokyo", at("tokio").data().get("zone").asText(), "one letter off");
        assertEquals("Asia/Tokyo", at("tokyo japan").data().get("zone").asText());
        assertTrue(at("Tokyo").text().startsWith("It is 16:32 in Tokyo, Tuesday 1 December 2026"), at("Tokyo").text());
    }

    @Test
    void withoutAPlaceItIsTheUsersZone() throws SkillException {
        SkillResult r = at(null);
        assertEquals("It is thirty two minutes past eight o'clock in the morning, on Tuesday.", r.speech());
        assertEquals("Europe/Berlin", r.data().get("zone").asText());
    }

    @Test
    void datesAndDays() throws SkillException {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("place", "Los Angeles").put("what", "date");
        assertEquals("It is Monday, the thirtieth of November in Los Angeles.", clock.run(args, TestContext.at("UTC")).speech());
        args.put("what", "day").put("place", "London");
        assertEquals("It is Tuesday in London.", clock.run(args, TestContext.at("UTC")).speech());
    }

    @Test
    void unknownPlacesSayWhatToDo() {
        SkillException e = assertThrows(SkillException.class, () -> at("Narnia"));
        assertTrue(e.getMessage().contains("Narnia") && e.getMessage().contains("Europe/Paris"), e.getMessage());
    }

    @Test
    void everyAliasAndEveryJdkCityResolves() {
        for (String id : ZoneId.getAvailableZoneIds()) {
            if (id.startsWith("Etc/") || id.startsWith("SystemV/") || !id.contains("/")) continue;
            String city = id.substring(id.lastIndexOf('/') + 1).replace('_', ' ');
            assertTrue(Places.find(city).isPresent(), city);
        }
        for (String name : new String[] {"San Francisco", "Los Angeles", "Beijing", "Delhi", "Mumbai", "Moscow", "Sydney", "Paris",
                "Berlin", "Tokyo", "London", "New York", "Kiev", "UTC"}) {
            assertTrue(Places.find(name).isPresent(), name);
        }
    }

    @Test
    void spokenTimes() {
        assertEquals("midday", Clock.spokenTime(12, 0));
        assertEquals("midnight", Clock.spokenTime(0, 0));
        assertEquals("ten o'clock in the morning", Clock.spokenTime(10, 0));
        assertEquals("five minutes past seven o'clock in the evening", Clock.spokenTime(19, 5));
        assertEquals("fifteen minutes past midnight", Clock.spokenTime(0, 15));
        assertEquals("one minute past midday", Clock.spokenTime(12, 1));
    }
}
