package perception.tests.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import perception.tests.foundation.PackagedGateway;

/**
 * A cluster on this machine, each node the packaged jar in its own JVM on 127.0.0.1: one gateway
 * (role gateway: no models) and some workers (role worker), joined by a Hazelcast TCP/IP member list.
 */
public final class ClusterNodes implements AutoCloseable {
    public final PackagedGateway gateway;
    public final List<PackagedGateway> workers;

    private ClusterNodes(PackagedGateway gateway, List<PackagedGateway> workers) {
        this.gateway = gateway;
        this.workers = workers;
    }

    /** Starts the gateway and {@code workers} worker nodes (in parallel) with the extra settings; waits until the gateway sees them all with their models. */
    public static ClusterNodes start(int workers, String... settings) throws Exception {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i <= workers; i++) ports.add(freePort());
        String members = String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
        List<CompletableFuture<PackagedGateway>> starting = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            int port = ports.get(i);
            // a thread each (the common pool has one thread on two cores): the workers load their models at once
            starting.add(CompletableFuture.supplyAsync(() -> node(port, members, settings, "--role", "worker", "--inference-threads", "2"),
                    r -> new Thread(r, "start-worker-" + port).start()));
        }
        PackagedGateway gateway = node(ports.get(0), members, settings, "--role", "gateway");
        List<PackagedGateway> started = new ArrayList<>();
        for (var s : starting) started.add(s.get(5, TimeUnit.MINUTES));
        ClusterNodes nodes = new ClusterNodes(gateway, started);
        nodes.awaitWorkers(workers, 120);
        return nodes;
    }

    private static PackagedGateway node(int clusterPort, String members, String[] settings, String... role) {
        List<String> args = new ArrayList<>(List.of("--cluster", "--cluster-port", String.valueOf(clusterPort), "--cluster-members", members));
        args.addAll(List.of(role));
        args.addAll(List.of(settings));
        try {
            return PackagedGateway.start(List.of("-Xmx1g"), Map.of(), args.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("cluster node on port " + clusterPort + " did not start: " + e.getMessage(), e);
        }
    }

    /** Waits until the gateway's /ready lists {@code n} workers whose models are all loaded. */
    public JsonObject awaitWorkers(int n, int seconds) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonObject cluster = null;
        while (System.nanoTime() < end) {
            var r = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/ready"))).build(), HttpResponse.BodyHandlers.ofString());
            cluster = new JsonObject(r.body()).getJsonObject("cluster");
            JsonArray list = cluster.getJsonArray("workers", new JsonArray());
            long ready = list.stream().map(JsonObject.class::cast).filter(w -> w.getJsonArray("models").stream().map(JsonObject.class::cast)
                    .allMatch(m -> "loaded".equals(m.getString("state")))).count();
            if (list.size() == n && ready == n) return cluster;
            Thread.sleep(500);
        }
        throw new AssertionError("the gateway did not see " + n + " ready workers within " + seconds + " s: " + cluster);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        List<PackagedGateway> all = new ArrayList<>(workers);
        all.add(gateway);
        for (PackagedGateway p : all) p.process.destroy(); // all at once: each leaves the cluster while the others drain
        for (PackagedGateway p : all) {
            try {
                p.close();
            } catch (Exception e) {
                p.process.destroyForcibly();
            }
        }
    }
}
