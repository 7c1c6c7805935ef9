package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
    static ClusterSettings of(String... args) {
        return ClusterSettings.of(GatewayConfig.load(args, Map.of()));
    }

    static String error(String... args) {
        return assertThrows(GatewayConfig.ConfigException.class, () -> GatewayConfig.load(args, Map.of())).getMessage();
    }

    @Test
    void oneNodeServingEverythingIsTheDefault() {
        ClusterSettings s = of();
        assertFalse(s.enabled());
        assertEquals("all", s.role());
        assertTrue(s.servesClients());
        assertTrue(s.serves("speech") && s.serves("vision") && s.serves("llm"));
        assertEquals(Set.of("speech", "vision", "llm"), s.senses(), "senses=all: every sense the gateway finds");
        assertEquals(s.senses(), of("--senses", "speech,vision,llm").senses(), "the old default list still means the same");
        assertFalse(s.serves("web"), "a feature without a model side is no sense");
    }

    @Test
    void workersNameTheirSensesAndGatewaysServeNone() {
        ClusterSettings w = ClusterSettings.of(GatewayConfig.load(new String[] {"--cluster", "true", "--role", "worker", "--senses", "speech, vision"},
                Map.of("GATEWAY_CLUSTER_MEMBERS", "10.0.0.5:5701,10.0.0.6")));
        assertFalse(w.servesClients());
        assertTrue(w.serves("speech") && w.serves("vision"));
        assertFalse(w.serves("llm"));
        assertEquals(List.of("10.0.0.5:5701", "10.0.0.6"), w.members());
        ClusterSettings g = of("--cluster", "true", "--role", "gateway");
        assertTrue(g.servesClients());
        assertEquals(Set.of(), Set.of("speech", "vision", "llm").stream().filter(g::serves).collect(java.util.stream.Collectors.toSet()));
        assertEquals(List.of("127.0.0.1:5701"), g.members());
    }

    @Test
    void mistakesSayWhatToSet() {
        assertTrue(error("--role", "worker").contains("--cluster true"));
        assertTrue(error("--cluster", "true", "--role", "boss").contains("GATEWAY_ROLE"));
        assertTrue(error("--cluster", "true", "--senses", "smell").contains("choose from [speech, vision, llm], or all"));
        assertTrue(error("--senses", "speech,web").contains("unknown sense 'web'"));
        assertTrue(error("--cluster", "true", "--cluster-port", "70000").contains("GATEWAY_CLUSTER_PORT"));
        assertTrue(error("--cluster", "true", "--cluster-members", "a:1:2").contains("GATEWAY_CLUSTER_MEMBERS"));
        assertTrue(error("--cluster", "yes").contains("true or false"));
    }
}
