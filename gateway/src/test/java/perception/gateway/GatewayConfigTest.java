package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.gateway.core.GatewayConfig;

class GatewayConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsApplyWhenNothingIsSet() {
        GatewayConfig c = GatewayConfig.load(new String[0], Map.of());
        assertEquals(8080, c.port());
        assertEquals("127.0.0.1", c.host());
        assertEquals(25L * 1024 * 1024, c.maxBodyBytes());
        assertEquals(Set.of("objects", "faces", "text", "scene"), c.analyzers());
    }

    @Test
    void fileThenEnvironmentThenFlagsEachOverrideTheOneBefore() throws Exception {
        Path yaml = dir.resolve("gateway.yaml");
        Files.writeString(yaml, "port: 9001\nhost: 0.0.0.0\nallow_open_bind: true\nmax_body_mb: 5\nanalyzers: [objects, faces]\n");
        Map<String, String> env = Map.of("GATEWAY_CONFIG", yaml.toString(), "GATEWAY_PORT", "9002", "GATEWAY_MAX_BODY_MB", "7");
        GatewayConfig c = GatewayConfig.load(new String[] {"--port", "9003"}, env);
        assertEquals(9003, c.port(), "flag beats env");
        assertEquals(7L * 1024 * 1024, c.maxBodyBytes(), "env beats file");
        assertEquals("0.0.0.0", c.host(), "file beats default");
        assertEquals(Set.of("objects", "faces"), c.analyzers(), "YAML list read as a list");

        GatewayConfig onlyFile = GatewayConfig.load(new String[] {"--config=" + yaml}, Map.of());
        assertEquals(9001, onlyFile.port());
    }

    @Test
    void jsonFileIsReadToo() throws Exception {
        Path json = dir.resolve("gateway.json");
        Files.writeString(json, "{\"port\": 7000, \"speech\": false}");
        GatewayConfig c = GatewayConfig.load(new String[] {"--config", json.toString()}, Map.of());
        assertEquals(7000, c.port());
        assertEquals(false, c.speechEnabled());
    }

    @Test
    void badValuesFailWithAMessageThatSaysWhatToFix() throws Exception {
        assertMessage("port must be a whole number, got 'abc': fix GATEWAY_PORT or --port", new String[] {"--port", "abc"}, Map.of());
        assertMessage("port must be between 0 and 65535, got 70000", new String[0], Map.of("GATEWAY_PORT", "70000"));
        assertMessage("unknown setting from environment variable GATEWAY_PROT", new String[0], Map.of("GATEWAY_PROT", "1"));
        assertMessage("unknown setting from flag --colour", new String[] {"--colour", "red"}, Map.of());
        assertMessage("unknown analyzer 'cats'", new String[] {"--analyzers", "objects,cats"}, Map.of());
        assertMessage("llm_backend is remote but llm_url is not set", new String[] {"--llm-backend", "remote"}, Map.of());
        assertMessage("max_body_mb must be above 0", new String[] {"--max-body-mb", "0"}, Map.of());
        assertMessage("flag --port needs a value", new String[] {"--port"}, Map.of());
        assertMessage("config file " + dir.resolve("missing.yaml") + " does not exist", new String[] {"--config", dir.resolve("missing.yaml").toString()}, Map.of());
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"port\": ");
        assertMessage("is not valid JSON", new String[] {"--config", broken.toString()}, Map.of());
        Path wrongKey = dir.resolve("wrong.yaml");
        Files.writeString(wrongKey, "prot: 1\n");
        assertMessage("unknown setting from key 'prot' in " + wrongKey, new String[] {"--config", wrongKey.toString()}, Map.of());
    }

    @Test
    void aBareBooleanFlagMeansTrue() {
        // issue #29 item 8: "--cluster --role worker" failed with "unexpected argument 'worker'"
        GatewayConfig c = GatewayConfig.load(new String[] {"--cluster", "--role", "worker", "--llm-vision"}, Map.of());
        assertEquals("true", c.get("cluster"));
        assertEquals("worker", c.get("role"));
        assertTrue(c.llmVision(), "a bare flag at the end means true");
        GatewayConfig off = GatewayConfig.load(new String[] {"--speech", "false", "--llm-vision", "TRUE", "--cluster=false"}, Map.of());
        assertEquals(false, off.speechEnabled(), "an explicit value still counts");
        assertTrue(off.llmVision());
        assertEquals("false", off.get("cluster"));
        assertMessage("cluster must be true or false, got 'worker'", new String[] {"--cluster", "worker"}, Map.of());
        assertMessage("flag --role needs a value", new String[] {"--cluster", "--role"}, Map.of());
    }

    @Test
    void assistantRoutingTimezoneAndDefaultFetchSettings() {
        GatewayConfig d = GatewayConfig.defaults();
        assertEquals("skills_first", d.assistantRouting());
        assertEquals(java.time.ZoneId.systemDefault(), d.timezone());
        assertTrue(d.llmFetchDefault());
        GatewayConfig c = GatewayConfig.load(new String[] {"--assistant-routing", "LLM", "--timezone", "Asia/Tokyo"},
                Map.of("GATEWAY_LLM_FETCH_DEFAULT", "false"));
        assertEquals("llm", c.assistantRouting());
        assertEquals(java.time.ZoneId.of("Asia/Tokyo"), c.timezone());
        assertEquals(false, c.llmFetchDefault());
        assertMessage("assistant_routing must be one of [skills_first, llm, tools]", new String[] {"--assistant-routing", "magic"}, Map.of());
        assertMessage("timezone 'Mars/Olympus' is not a time zone", new String[0], Map.of("GATEWAY_TIMEZONE", "Mars/Olympus"));
    }

    private static void assertMessage(String expected, String[] args, Map<String, String> env) {
        var e = assertThrows(GatewayConfig.ConfigException.class, () -> GatewayConfig.load(args, env));
        assertTrue(e.getMessage().contains(expected), () -> "message was: " + e.getMessage());
    }
}
