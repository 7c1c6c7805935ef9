package perception.gateway.core;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster settings of a {@link GatewayConfig}, checked: whether to join a cluster, this node's
 * role and senses, and where Hazelcast and the clustered event bus listen.
 */
public record ClusterSettings(boolean enabled, String role, Set<String> senses, String host, int port, int busPort,
        String publicHost, List<String> members) {
    public static final List<String> ROLES = List.of("all", "gateway", "worker");

    /** Reads and checks the settings; a mistake is a {@link GatewayConfig.ConfigException} saying what to set. */
    public static ClusterSettings of(GatewayConfig config) {
        String flag = value(config, "cluster", "false").toLowerCase(Locale.ROOT);
        if (!flag.equals("true") && !flag.equals("false")) {
            throw new GatewayConfig.ConfigException("cluster must be true or false, got '" + flag + "': fix GATEWAY_CLUSTER or --cluster");
        }
        String role = value(config, "role", "all").toLowerCase(Locale.ROOT);
        if (!ROLES.contains(role)) {
            throw new GatewayConfig.ConfigException("role must be one of " + ROLES + ", got '" + role + "': fix GATEWAY_ROLE or --role");
        }
        boolean enabled = flag.equals("true");
        if (!enabled && !role.equals("all")) {
            throw new GatewayConfig.ConfigException("role " + role + " needs a cluster: add --cluster true (GATEWAY_CLUSTER=true) and the"
                    + " members to join (--cluster-members host:5701,...), or leave role at all");
        }
        // "all" rather than a list of names, so that a new sense is served by default with no setting to edit
        List<String> known = Features.senses();
        String named = value(config, "senses", "all").trim().toLowerCase(Locale.ROOT);
        Set<String> senses = named.equals("all") ? new LinkedHashSet<>(known) : Arrays.stream(named.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new));
        for (String s : senses) {
            if (!known.contains(s)) {
                throw new GatewayConfig.ConfigException("unknown sense '" + s + "' in senses; choose from " + known
                        + ", or all (GATEWAY_SENSES or --senses)");
            }
        }
        String host = value(config, "cluster_host", "127.0.0.1");
        int port = port(config, "cluster_port", "5701", 1);
        int busPort = port(config, "cluster_bus_port", "0", 0);
        String publicHost = config.get("cluster_public_host");
        String list = config.get("cluster_members");
        List<String> members = list == null ? List.of(host + ":" + port)
                : Arrays.stream(list.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
        for (String m : members) {
            if (!m.matches("[^:\\s]+(:\\d{1,5})?")) {
                throw new GatewayConfig.ConfigException("cluster_members entry '" + m + "' is not host or host:port: fix GATEWAY_CLUSTER_MEMBERS"
                        + " or --cluster-members, e.g. 10.0.0.5:5701,10.0.0.6:5701");
            }
        }
        return new ClusterSettings(enabled, role, Set.copyOf(senses), host, port, busPort, publicHost, members);
    }

    /** Whether this node serves HTTP/WebSocket clients. */
    public boolean servesClients() {
        return !role.equals("worker");
    }

    /** Whether this node loads the models of a sense and serves its addresses. */
    public boolean serves(String sense) {
        return !role.equals("gateway") && senses.contains(sense);
    }

    private static String value(GatewayConfig config, String key, String fallback) {
        String v = config.get(key);
        return v == null ? fallback : v;
    }

    private static int port(GatewayConfig config, String key, String fallback, int min) {
        String v = value(config, key, fallback);
        try {
            int p = Integer.parseInt(v);
            if (p >= min && p <= 65535) return p;
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        String env = "GATEWAY_" + key.toUpperCase(Locale.ROOT);
        throw new GatewayConfig.ConfigException(key + " must be a port between " + min + " and 65535, got '" + v + "': fix " + env
                + " or --" + key.replace('_', '-'));
    }
}
