package perception.llm.skills;

import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the time zone of a place as people name it: an IANA id ("Europe/Paris"), the city part of
 * any JDK zone id ("buenos aires", "kolkata"), or a common name that is not a zone id ("New
 * York" is, "San Francisco", "Beijing", "Mumbai", "Japan" are not). One slip of a letter is
 * forgiven for names of five letters or more ("tokio").
 */
public final class Places {
    /** A place found: how to say it, and its zone. */
    public record Place(String name, ZoneId zone) {
    }

    private static final String[][] ALIASES = {
            {"san francisco", "America/Los_Angeles"}, {"los angeles", "America/Los_Angeles"}, {"la", "America/Los_Angeles"},
            {"seattle", "America/Los_Angeles"}, {"las vegas", "America/Los_Angeles"}, {"san diego", "America/Los_Angeles"},
            {"silicon valley", "America/Los_Angeles"}, {"california", "America/Los_Angeles"}, {"portland", "America/Los_Angeles"},
            {"new york city", "America/New_York"}, {"nyc", "America/New_York"}, {"washington", "America/New_York"},
            {"washington dc", "America/New_York"}, {"boston", "America/New_York"}, {"miami", "America/New_York"},
            {"atlanta", "America/New_York"}, {"philadelphia", "America/New_York"}, {"houston", "America/Chicago"},
            {"dallas", "America/Chicago"}, {"austin", "America/Chicago"}, {"san antonio", "America/Chicago"},
            {"salt lake city", "America/Denver"}, {"montreal", "America/Toronto"}, {"ottawa", "America/Toronto"},
            {"beijing", "Asia/Shanghai"}, {"peking", "Asia/Shanghai"}, {"shenzhen", "Asia/Shanghai"}, {"guangzhou", "Asia/Shanghai"},
            {"china", "Asia/Shanghai"}, {"delhi", "Asia/Kolkata"}, {"new delhi", "Asia/Kolkata"}, {"mumbai", "Asia/Kolkata"},
            {"bombay", "Asia/Kolkata"}, {"bangalore", "Asia/Kolkata"}, {"bengaluru", "Asia/Kolkata"}, {"chennai", "Asia/Kolkata"},
            {"hyderabad", "Asia/Kolkata"}, {"india", "Asia/Kolkata"}, {"japan", "Asia/Tokyo"}, {"osaka", "Asia/Tokyo"},
            {"kyoto", "Asia/Tokyo"}, {"korea", "Asia/Seoul"}, {"south korea", "Asia/Seoul"}, {"saint petersburg", "Europe/Moscow"},
            {"st petersburg", "Europe/Moscow"}, {"russia", "Europe/Moscow"}, {"sydney", "Australia/Sydney"}, {"australia", "Australia/Sydney"},
            {"canberra", "Australia/Sydney"}, {"new zealand", "Pacific/Auckland"}, {"wellington", "Pacific/Auckland"},
            {"england", "Europe/London"}, {"britain", "Europe/London"}, {"great britain", "Europe/London"}, {"uk", "Europe/London"},
            {"united kingdom", "Europe/London"}, {"manchester", "Europe/London"}, {"edinburgh", "Europe/London"},
            {"scotland", "Europe/London"}, {"wales", "Europe/London"}, {"ireland", "Europe/Dublin"}, {"france", "Europe/Paris"},
            {"germany", "Europe/Berlin"}, {"munich", "Europe/Berlin"}, {"frankfurt", "Europe/Berlin"}, {"hamburg", "Europe/Berlin"},
            {"cologne", "Europe/Berlin"}, {"spain", "Europe/Madrid"}, {"barcelona", "Europe/Madrid"}, {"italy", "Europe/Rome"},
            {"milan", "Europe/Rome"}, {"venice", "Europe/Rome"}, {"florence", "Europe/Rome"}, {"naples", "Europe/Rome"},
            {"netherlands", "Europe/Amsterdam"}, {"holland", "Europe/Amsterdam"}, {"rotterdam", "Europe/Amsterdam"},
            {"belgium", "Europe/Brussels"}, {"switzerland", "Europe/Zurich"}, {"geneva", "Europe/Zurich"}, {"austria", "Europe/Vienna"},
            {"poland", "Europe/Warsaw"}, {"krakow", "Europe/Warsaw"}, {"sweden", "Europe/Stockholm"}, {"norway", "Europe/Oslo"},
            {"denmark", "Europe/Copenhagen"}, {"finland", "Europe/Helsinki"}, {"greece", "Europe/Athens"}, {"portugal", "Europe/Lisbon"},
            {"turkey", "Europe/Istanbul"}, {"ukraine", "Europe/Kiev"}, {"kiev", "Europe/Kiev"}, {"prague", "Europe/Prague"},
            {"czech republic", "Europe/Prague"}, {"hungary", "Europe/Budapest"}, {"egypt", "Africa/Cairo"}, {"kenya", "Africa/Nairobi"},
            {"nigeria", "Africa/Lagos"}, {"south africa", "Africa/Johannesburg"}, {"cape town", "Africa/Johannesburg"},
            {"dubai", "Asia/Dubai"}, {"abu dhabi", "Asia/Dubai"}, {"israel", "Asia/Jerusalem"}, {"tel aviv", "Asia/Jerusalem"},
            {"iran", "Asia/Tehran"}, {"pakistan", "Asia/Karachi"}, {"thailand", "Asia/Bangkok"}, {"vietnam", "Asia/Ho_Chi_Minh"},
            {"hanoi", "Asia/Bangkok"}, {"saigon", "Asia/Ho_Chi_Minh"}, {"indonesia", "Asia/Jakarta"}, {"bali", "Asia/Makassar"},
            {"philippines", "Asia/Manila"}, {"malaysia", "Asia/Kuala_Lumpur"}, {"taiwan", "Asia/Taipei"}, {"brazil", "America/Sao_Paulo"},
            {"rio de janeiro", "America/Sao_Paulo"}, {"rio", "America/Sao_Paulo"}, {"argentina", "America/Argentina/Buenos_Aires"},
            {"mexico", "America/Mexico_City"}, {"canada", "America/Toronto"}, {"peru", "America/Lima"}, {"chile", "America/Santiago"},
            {"colombia", "America/Bogota"}, {"hawaii", "Pacific/Honolulu"}, {"alaska", "America/Anchorage"},
            {"utc", "UTC"}, {"gmt", "GMT"}, {"greenwich", "Europe/London"}, {"coordinated universal time", "UTC"}};

    /** lower-case name → zone id, aliases winning over zone ids' city parts. */
    private static final Map<String, String> NAMES = new HashMap<>();

    static {
        for (String id : ZoneId.getAvailableZoneIds()) {
            if (id.startsWith("Etc/") || id.startsWith("SystemV/")) continue;
            NAMES.putIfAbsent(id.toLowerCase(Locale.ROOT), id);
            int slash = id.lastIndexOf('/');
            if (slash > 0) NAMES.putIfAbsent(id.substring(slash + 1).replace('_', ' ').toLowerCase(Locale.ROOT), id);
        }
        for (String[] a : ALIASES) NAMES.put(a[0], a[1]);
    }

    private Places() {
    }

    /** The zone of a place, or empty if the name is unknown. */
    public static Optional<Place> find(String name) {
        if (name == null) return Optional.empty();
        String key = name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}/_+\\- ]", " ").replaceAll("\\s+", " ").strip()
                .replaceFirst("^(the )?(city of |town of )", "").replaceFirst("^the ", "");
        if (key.isEmpty()) return Optional.empty();
        String id = NAMES.get(key);
        if (id == null) id = NAMES.get(key.replace(' ', '_'));
        if (id == null && key.contains(" ")) {
            // "tokyo japan", "paris france": the first words that name a place
            String[] words = key.split(" ");
            for (int n = words.length - 1; n >= 1 && id == null; n--) id = NAMES.get(String.join(" ", java.util.Arrays.copyOf(words, n)));
        }
        if (id == null && key.length() >= 5) id = closest(key);
        if (id == null) return Optional.empty();
        return Optional.of(new Place(title(key.contains("/") ? id.substring(id.lastIndexOf('/') + 1).replace('_', ' ') : key), ZoneId.of(id)));
    }

    /** The single name at edit distance 1 (a recognition slip), if exactly one zone is that close. */
    private static String closest(String key) {
        String found = null;
        for (Map.Entry<String, String> e : NAMES.entrySet()) {
            if (Math.abs(e.getKey().length() - key.length()) > 1 || e.getKey().length() < 5) continue;
            if (distance(e.getKey(), key) == 1) {
                if (found != null && !found.equals(e.getValue())) return null;
                found = e.getValue();
            }
        }
        return found;
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static String title(String s) {
        if (java.util.Set.of("utc", "gmt", "nyc", "la", "uk", "washington dc").contains(s)) return s.toUpperCase(Locale.ROOT).replace("WASHINGTON", "Washington");
        StringBuilder b = new StringBuilder();
        for (String w : s.split(" ")) {
            if (b.length() > 0) b.append(' ');
            b.append(w.equals("de") || w.equals("of") ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1));
        }
        return b.toString();
    }
}
