package perception.gateway;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayContext;

/**
 * First handler of every request: the body must arrive in full within body_timeout_s (a client
 * that stops half-way through an upload is cut off, which ends the request and lets the body
 * handler delete its temp file), and the active-requests gauge, counted here rather than by Vert.x
 * so that WebSocket upgrades are not counted and aborted uploads cannot make it negative.
 */
final class RequestLimits implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(RequestLimits.class);

    /** Set by the handler after the body handler: the body has been read and the route may run. */
    static final String BODY_READ = "perception.bodyRead";
    private static final long CHECK_MILLIS = 500;

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
        long started = System.currentTimeMillis();
        int[] stuck = {0};
        long timer = context.vertx().setPeriodic(CHECK_MILLIS, t -> {
            if (!req.isEnded() && ServerErrors.inputShut(req.connection()) && !ctx.response().headWritten()) {
                // the client closed its side (FIN) before the whole body came: it never will; answer, then close
                context.vertx().cancelTimer(t);
                log.info("{} {}: the client half-closed the connection before the end of the body", req.method(), req.path());
                boolean multipart = String.valueOf(req.getHeader(HttpHeaders.CONTENT_TYPE)).toLowerCase(java.util.Locale.ROOT).startsWith("multipart/");
                refuseIncomplete(ctx, multipart ? ApiError.badRequest("incomplete_multipart",
                        "The multipart body ended before its final boundary (--BOUNDARY--): send the whole form before closing the connection.")
                        : ApiError.badRequest("incomplete_body",
                        "The request body ended (the connection was closed) before its Content-Length: send the whole body before closing."));
            } else if (!req.isEnded()) {
                if (System.currentTimeMillis() - started < bodyMillis) return;
                context.vertx().cancelTimer(t);
                log.info("{} {}: the body did not arrive within {} s; closing the connection", req.method(), req.path(), bodyMillis / 1000);
                req.connection().close();
            } else if (ctx.get(BODY_READ) != null || req.method() != io.vertx.core.http.HttpMethod.POST || ctx.response().headWritten()) {
                context.vertx().cancelTimer(t); // the body was read (or there was none): the route has it
            } else if (++stuck[0] >= 2 || ServerErrors.inputShut(req.connection())) {
                // the whole body is in, yet the multipart decoder still waits: the final boundary never came
                context.vertx().cancelTimer(t);
                log.info("{} {}: the multipart body ended before its final boundary", req.method(), req.path());
                refuseIncomplete(ctx, ApiError.badRequest("incomplete_multipart",
                        "The multipart body ended before its final boundary (--BOUNDARY--): send the whole form."));
            }
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

    /** A body that will not finish: 400, its unfinished uploads deleted, then the connection closed. */
    private void refuseIncomplete(RoutingContext ctx, ApiError error) {
        HttpServerRequest req = ctx.request();
        ctx.response().putHeader("connection", "close"); // so a client does not send its next request on it
        ctx.addEndHandler(v -> req.connection().close()); // the decoder's state is spent
        // the body handler cleans up only uploads that finished: this one never will
        for (io.vertx.ext.web.FileUpload f : ctx.fileUploads()) {
            if (!f.cancel()) context.vertx().fileSystem().delete(f.uploadedFileName()).onFailure(e -> log.debug("temp upload: {}", e.toString()));
        }
        ErrorHandler.send(ctx, error);
    }

    static boolean isUpgrade(HttpServerRequest req) {
        String upgrade = req.getHeader(HttpHeaders.UPGRADE);
        return upgrade != null && upgrade.equalsIgnoreCase("websocket");
    }
}
