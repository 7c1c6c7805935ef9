package perception.gateway;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every request: the body must arrive in full within body_timeout_s (a client
 * that stops half-way through an upload is cut off, which ends the request and lets the body
 * handler delete its temp file), and the active-requests gauge, counted here rather than by Vert.x
 * so that WebSocket upgrades are not counted and aborted uploads cannot make it negative.
 */
final class RequestLimits implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(RequestLimits.class);

    private final GatewayContext context;
    private final long bodyMillis;
    private final AtomicInteger active = new AtomicInteger();

    RequestLimits(GatewayContext context) {
        this.context = context;
        this.bodyMillis = context.config().limit("body_timeout_s") * 1000;
        Gauge.builder("perception.http.active.requests", active, AtomicInteger::get)
                .description("HTTP requests being served (WebSocket sessions are not requests)").register(context.meters());
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        if (isUpgrade(req)) {
            ctx.next();
            return;
        }
        active.incrementAndGet();
        long timer = req.isEnded() ? -1 : context.vertx().setTimer(bodyMillis, t -> {
            if (req.isEnded()) return;
            log.info("{} {}: the body did not arrive within {} s; closing the connection", req.method(), req.path(), bodyMillis / 1000);
            req.connection().close();
        });
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable finish = () -> {
            if (!done.compareAndSet(false, true)) return;
            active.decrementAndGet();
            if (timer >= 0) context.vertx().cancelTimer(timer);
        };
        ctx.addEndHandler(v -> finish.run()); // called on response end and on connection close alike
        ctx.next();
    }

    static boolean isUpgrade(HttpServerRequest req) {
        String upgrade = req.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }
}
