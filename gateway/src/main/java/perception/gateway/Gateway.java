package perception.gateway;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ClusterSettings;
import perception.gateway.core.Feature;
import perception.gateway.core.Features;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.ModelRegistry;
import perception.gateway.core.Workers;
import perception.gateway.wyoming.WyomingVerticle;

/**
 * One running gateway: Vert.x with Prometheus metrics, the HTTP verticle, and one verticle per sense
 * (every {@link Feature} with a model side, as {@link Features} finds them).
 * Used by {@link Main} and by the tests alike ({@code Gateway.start(config.with("port","0"))}).
 */
public final class Gateway {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);

    private final GatewayContext context;
    private final HttpServers http;
    private final Future<Void> loaded;
    private WyomingVerticle wyoming; // null when wyoming_port is unset

    private Gateway(GatewayContext context, HttpServers http, Future<Void> loaded) {
        this.context = context;
        this.http = http;
        this.loaded = loaded;
    }

    /**
     * Starts Vert.x and the HTTP server at once (so /health answers while models load), and the sense
     * verticles in parallel. The future completes when HTTP listens; {@link #loaded()} when the
     * models are in.
     */
    public static Future<Gateway> start(GatewayConfig config) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        boundLabels(meters);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
                .setEnabled(true)
                // its own registry name: two gateways in one JVM (tests, chained gateways) never share meters
                .setRegistryName("perception-" + java.util.UUID.randomUUID())
                .setJvmMetricsEnabled(false)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
                .setLabels(java.util.EnumSet.of(io.vertx.micrometer.Label.HTTP_METHOD, io.vertx.micrometer.Label.HTTP_CODE,
                        io.vertx.micrometer.Label.HTTP_ROUTE, io.vertx.micrometer.Label.POOL_TYPE, io.vertx.micrometer.Label.POOL_NAME,
                        io.vertx.micrometer.Label.EB_ADDRESS));
        ClusterSettings cluster = ClusterSettings.of(config);
        if (cluster.enabled()) {
            if (!clusterLibrariesPresent()) {
                return Future.failedFuture(new perception.gateway.core.GatewayConfig.ConfigException("--cluster needs Hazelcast, which ships beside"
                        + " the jar, not in it (it would add 17 MB for everyone): keep gateway/target/lib/ (vertx-hazelcast.jar, hazelcast.jar)"
                        + " next to perception-gateway.jar, as ./run-gateway and the Docker image do"));
            }
            return Clustering.start(cluster, new VertxOptions().setMetricsOptions(metrics), meters)
                    .compose(node -> start(config, node.vertx(), meters, cluster, node));
        }
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setMetricsOptions(metrics))
                .withMetrics(new MicrometerMetricsFactory(meters))
                .build();
        return start(config, vertx, meters, cluster, null);
    }

    /** Hazelcast is on the jar's manifest Class-Path (lib/), present only where the cluster is wanted. */
    private static boolean clusterLibrariesPresent() {
        try {
            Class.forName("io.vertx.spi.cluster.hazelcast.HazelcastClusterManager", false, Gateway.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static Future<Gateway> start(GatewayConfig config, Vertx vertx, PrometheusMeterRegistry meters, ClusterSettings cluster,
            Clustering node) {
        vertx.exceptionHandler(ServerErrors::unhandled); // before any verticle's context is made
        perception.gateway.core.NativeMemory.schedule(vertx, config.nativeTrimSeconds());
        ModelRegistry models = new ModelRegistry();
        GatewayContext context = new GatewayContext(vertx, config, models, meters);
        if (node != null) node.attach(Workers.of(context));

        List<Future<String>> senses = new ArrayList<>();
        for (Feature feature : Features.all()) { // each sense's verticle loads its models in start()
            if (!cluster.serves(feature.name())) continue; // a gateway node, a worker without this sense, or no sense
            VerticleBase verticle = feature.verticle(context);
            if (verticle != null) senses.add(vertx.deployVerticle(verticle, new DeploymentOptions()));
        }
        Future<Void> loaded = Future.all(senses).<Void>mapEmpty()
                .onSuccess(v -> log.info("models loaded: {}", models.toJson().encode()))
                .onFailure(e -> log.error("loading models failed: {}", e.getMessage()));
        // one HTTP verticle instance per core (Vert.x shares the port between them)
        HttpServers http = new HttpServers(context, meters, Runtime.getRuntime().availableProcessors());
        CompletableFuture<Gateway> started = new CompletableFuture<>();
        WyomingVerticle wyoming = config.wyomingPort() == null || !cluster.servesClients() ? null : new WyomingVerticle(context);
        // a worker node serves no clients, but keeps /health, /ready and /metrics (on its own port)
        http.deploy()
                .compose(id -> wyoming == null ? Future.succeededFuture(id) : vertx.deployVerticle(wyoming))
                .onComplete(ar -> {
                    if (ar.failed()) {
                        closeOffLoop(vertx, 10_000).whenComplete((v, e) -> started.completeExceptionally(ar.cause()));
                        return;
                    }
                    Gateway gateway = new Gateway(context, http, loaded);
                    gateway.wyoming = wyoming;
                    started.complete(gateway);
                });
        return Future.fromCompletionStage(started);
    }

    /**
     * Metric series must not grow with what clients send: an unknown HTTP method is counted as
     * OTHER, and Vert.x's own active-requests gauge (which counts WebSocket upgrades and goes
     * negative after aborted uploads) is replaced by perception_http_active_requests.
     */
    private static void boundLabels(PrometheusMeterRegistry meters) {
        java.util.Set<String> methods = java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");
        meters.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.replaceTagValues("method",
                m -> methods.contains(m) ? m : "OTHER"));
        meters.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyNameStartsWith("vertx.http.server.active.requests"));
        meters.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.replaceTagValues("address", Gateway::addressFamily));
    }

    private static final java.util.regex.Pattern ONE_OFF_ADDRESS = java.util.regex.Pattern.compile(
            "(.*?)(?:\\.(?:[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|\\d+)|@[^.]+)$");

    /**
     * Event-bus series by address family, not by address: each streamed answer listens on a private
     * address ({@code perception.generate.stream.<uuid>}), each recognition or turn session serves
     * its own ({@code perception.transcribe.stream.<id>}), a cluster node its {@code ADDRESS@NODE}
     * — as labels, every call and session would add series for good (the heap grew 0.4 MB a minute
     * in the soak, /metrics without bound). They become {@code ...stream.*}, {@code ADDRESS@*}.
     */
    static String addressFamily(String address) {
        var m = ONE_OFF_ADDRESS.matcher(address);
        if (!m.matches()) return address;
        return m.group(1) + (address.charAt(m.group(1).length()) == '@' ? "@*" : ".*");
    }

    public int port() {
        return http.actualPort();
    }

    /** The Wyoming server's port (its actual one when configured as 0); -1 when it is off. */
    public int wyomingPort() {
        return wyoming == null ? -1 : wyoming.actualPort();
    }

    public Vertx vertx() {
        return context.vertx();
    }

    public GatewayContext context() {
        return context;
    }

    /** Completes when every sense verticle has loaded its models; fails with the first load error. */
    public Future<Void> loaded() {
        return loaded;
    }

    /**
     * Graceful stop: the HTTP server stops accepting, in-flight requests get up to
     * shutdown_timeout_s to finish, then verticles (and their models) are undeployed.
     */
    public Future<Void> stop() {
        long timeout = context.config().shutdownTimeoutMillis();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        http.drain(timeout).onComplete(drained -> closeOffLoop(context.vertx(), timeout + 30_000).whenComplete((v, e) -> {
            if (e == null) stopped.complete(null);
            else stopped.completeExceptionally(e);
        }));
        return Future.fromCompletionStage(stopped);
    }

    /**
     * Closes Vert.x from a plain thread and completes there: a Vert.x future (or anything composed
     * on one) would deliver its result on an event loop that close() has just terminated, and never
     * complete.
     */
    private static CompletableFuture<Void> closeOffLoop(Vertx vertx, long timeoutMillis) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ForkJoinPool.commonPool().execute(() -> {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
                done.complete(null);
            } catch (Exception e) {
                done.completeExceptionally(e);
            }
        });
        return done;
    }
}
