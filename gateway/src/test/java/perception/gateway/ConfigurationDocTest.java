package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.GatewayConfig.Setting;

/**
 * docs/configuration.md documents every setting of {@link GatewayConfig#SETTINGS}, and only those: each row of
 * its settings tables (header {@value #HEADER}) names a key, its flag and its environment variable exactly as
 * {@link Setting#flag()} and {@link Setting#env()} spell them. Defaults are not compared: the doc may describe a
 * computed default in words ("cores (≥ 2)").
 */
class ConfigurationDocTest {

    static final String HEADER = "| key | flag | environment | default | meaning |";
    /** The gateway module's tests run in gateway/. */
    static final Path DOC = Path.of("..", "docs", "configuration.md");

    record Row(int line, String key, String flag, String env) {}

    @Test
    void everySettingHasOneRowWithItsFlagAndVariable() throws IOException {
        Map<String, List<Row>> rows = rows();
        List<String> problems = new ArrayList<>();
        for (Setting s : GatewayConfig.SETTINGS) {
            List<Row> found = rows.get(s.key());
            if (found == null) {
                problems.add("setting '" + s.key() + "' is missing: add this row to a settings table of docs/configuration.md\n    "
                        + rowFor(s));
                continue;
            }
            if (found.size() > 1) {
                problems.add("setting '" + s.key() + "' has " + found.size() + " rows (lines "
                        + found.stream().map(r -> String.valueOf(r.line())).toList() + "): keep one");
            }
            for (Row r : found) {
                if (!r.flag().equals(s.flag()) || !r.env().equals(s.env())) {
                    problems.add("line " + r.line() + ": setting '" + s.key() + "' is spelled `" + r.flag() + "` / `" + r.env()
                            + "`; the code reads `" + s.flag() + "` / `" + s.env() + "`");
                }
            }
        }
        for (String key : rows.keySet()) {
            if (GatewayConfig.SETTINGS.stream().noneMatch(s -> s.key().equals(key))) {
                problems.add("line " + rows.get(key).get(0).line() + ": docs/configuration.md documents '" + key
                        + "', which is no setting of GatewayConfig.SETTINGS: remove the row (or add the setting)");
            }
        }
        assertTrue(problems.isEmpty(), "docs/configuration.md and GatewayConfig.SETTINGS differ:\n  " + String.join("\n  ", problems));
    }

    /** The row to paste for a setting, from the code: description and default as the code has them. */
    static String rowFor(Setting s) {
        String dflt = s.defaultValue() == null ? "" : s.defaultValue();
        return "| `" + s.key() + "` | `" + s.flag() + "` | `" + s.env() + "` | " + dflt + " | " + s.description().replace("|", "\\|") + " |";
    }

    /** Every row of every table whose header is {@link #HEADER}, by key. */
    static Map<String, List<Row>> rows() throws IOException {
        assertTrue(Files.isRegularFile(DOC), "no " + DOC.toAbsolutePath().normalize() + " (the gateway module's tests run in gateway/)");
        List<String> lines = Files.readAllLines(DOC);
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        int tables = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).trim().equals(HEADER)) continue;
            tables++;
            int j = i + 2; // past the header and its |---| line
            for (; j < lines.size() && lines.get(j).trim().startsWith("|"); j++) {
                List<String> cells = cells(lines.get(j));
                int line = j + 1;
                assertTrue(cells.size() >= 5, "docs/configuration.md line " + line + ": a settings row has 5 cells: " + HEADER);
                Row r = new Row(line, code(cells.get(0), line), code(cells.get(1), line), code(cells.get(2), line));
                rows.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
            }
            i = j;
        }
        assertTrue(tables > 0, "docs/configuration.md has no settings table with the header " + HEADER);
        assertFalse(rows.isEmpty(), "docs/configuration.md's settings tables have no rows");
        return rows;
    }

    /** A cell that must be one `code` span: the key, the flag or the variable. */
    static String code(String cell, int line) {
        String c = cell.trim();
        assertTrue(c.length() > 2 && c.startsWith("`") && c.endsWith("`") && c.indexOf('`', 1) == c.length() - 1,
                "docs/configuration.md line " + line + ": the key, flag and environment cells are each one `code` span, got '" + c + "'");
        return c.substring(1, c.length() - 1);
    }

    /** Splits a table row on the pipes that are not escaped (\|) and not inside a `code` span. */
    static List<String> cells(String row) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean inCode = false;
        String r = row.trim();
        for (int k = 1; k < r.length(); k++) { // past the leading pipe
            char ch = r.charAt(k);
            if (ch == '\\' && k + 1 < r.length() && r.charAt(k + 1) == '|') {
                cell.append('|');
                k++;
            } else if (ch == '`') {
                inCode = !inCode;
                cell.append(ch);
            } else if (ch == '|' && !inCode) {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(ch);
            }
        }
        return cells;
    }
}
