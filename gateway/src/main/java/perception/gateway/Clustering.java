package perception.gateway;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ClusterSettings;
import perception.gateway.core.Workers;

/**
 * A clustered Vert.x: Hazelcast as the cluster manager (members found by a TCP/IP list, multicast
 * off, no shutdown hook of its own: the gateway's drains first), and the clustered event bus on
 * cluster_host / cluster_bus_port, reached by others at cluster_public_host.
 */
final class Clustering {
    private static final Logger log = LoggerFactory.getLogger(Clustering.class);

    /** The member attribute vertx-hazelcast stores the Vert.x node id in. */
    static final String NODE_ID_ATTRIBUTE = "__vertx.nodeId";
    private final Vertx vertx;
    private final HazelcastClusterManager manager;

    private Clustering(Vertx vertx, HazelcastClusterManager manager) {
        this.vertx = vertx;
        this.manager = manager;
    }

    static Future<Clustering> start(ClusterSettings s, VertxOptions options, MeterRegistry meters) {
        HazelcastClusterManager manager = new HazelcastClusterManager();
        manager.setConfig(hazelcast(manager.loadConfig(), s));
        EventBusOptions bus = new EventBusOptions().setHost(s.host()).setPort(s.busPort());
        if (s.publicHost() != null) bus.setClusterPublicHost(s.publicHost());
        options.setEventBusOptions(bus);
        log.info("joining the cluster as {} (hazelcast {}:{}, members {})", s.role(), s.host(), s.port(), s.members());
        return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(meters)).withClusterManager(manager)
                .buildClustered()
                .map(v -> new Clustering(v, manager))
                .recover(e -> Future.failedFuture(new IllegalStateException("could not join the cluster on " + s.host() + ":" + s.port()
                        + " (members " + s.members() + "): " + e.getMessage() + ". Check cluster_host, cluster_port and cluster_members", e)));
    }

    /** Hazelcast's default Vert.x configuration, with this node's network and the member list. */
    static Config hazelcast(Config config, ClusterSettings s) {
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.phone.home.enabled", "false");
        // a killed worker is noticed in seconds, not the default minute
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
        config.setClusterName("perception");
        var network = config.getNetworkConfig();
        network.setPort(s.port()).setPortAutoIncrement(true);
        if (s.publicHost() != null) network.setPublicAddress(s.publicHost() + ":" + s.port());
        network.getInterfaces().setEnabled(false);
        config.setProperty("hazelcast.local.localAddress", s.host());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(s.members());
        return config;
    }

    Vertx vertx() {
        return vertx;
    }

    /** Tells the node's worker registry who it is and when other nodes leave. */
    void attach(Workers workers) {
        workers.joined(manager.getNodeId());
        manager.getHazelcastInstance().getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent e) {
                log.info("cluster member joined: {}", e.getMember());
            }

            @Override
            public void memberRemoved(MembershipEvent e) {
                // Vert.x names nodes by its own id, kept as a member attribute (not Hazelcast's member UUID)
                String node = e.getMember().getAttribute(NODE_ID_ATTRIBUTE);
                if (node != null) workers.left(node);
            }
        });
    }
}
