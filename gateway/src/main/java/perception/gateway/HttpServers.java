package perception.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.GatewayContext;

/**
 * The HTTP front door as one {@link HttpVerticle} instance per core: Vert.x binds the port once and
 * hands each new connection to the next instance's event loop, so traffic is not served by a single
 * event loop. What must count across all of them is shared: the request gauge and the per-key limits
 * ({@link Routes.Shared}) and the draining flag; {@link #drain} drains every instance.
 */
final class HttpServers {
    private static final Logger log = LoggerFactory.getLogger(HttpServers.class);

    private final GatewayContext context;
    private final PrometheusMeterRegistry meters;
    private final List<HttpVerticle> instances = new CopyOnWriteArrayList<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final int count;

    HttpServers(GatewayContext context, PrometheusMeterRegistry meters, int count) {
        this.context = context;
        this.meters = meters;
        this.count = count;
    }

    /** Deploys the instances; completes when all of them listen. */
    Future<String> deploy() {
        Routes.Shared shared = Routes.shared(context);
        return context.vertx().deployVerticle(() -> {
            HttpVerticle v = new HttpVerticle(context, meters, shared, draining::get);
            instances.add(v);
            return v;
        }, new DeploymentOptions().setInstances(count)).onSuccess(id -> log.info("listening on {}://{}:{} ({} event loops)",
                context.config().get("tls_cert") != null ? "https" : "http", context.config().host(), actualPort(), count));
    }

    /** The port all instances share (the chosen one when configured as 0). */
    int actualPort() {
        return instances.get(0).actualPort();
    }

    /**
     * Stops accepting connections on every instance and lets in-flight requests finish, for at most
     * timeoutMillis; /ready answers 503 meanwhile so a load balancer stops sending work.
     */
    Future<Void> drain(long timeoutMillis) {
        draining.set(true);
        long started = System.currentTimeMillis();
        return Future.join(instances.stream().map(i -> i.drain(timeoutMillis)).toList()).<Void>mapEmpty()
                .onComplete(r -> log.info("HTTP drained in {} ms", System.currentTimeMillis() - started));
    }
}
