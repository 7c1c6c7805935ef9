package perception.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.Feature;
import perception.gateway.core.Features;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.JsonReply;
import perception.gateway.core.ModelRegistry;
import perception.gateway.core.RouteModule;

/**
 * Every route of the gateway, assembled in this one place; the main and the tests mount the same
 * router. Each feature's routes live in its package ({@link Feature#routes()}) and are mounted from here.
 */
public final class Routes {
    /** Upload temp files; one folder per process, so that gateways of other processes never share (or count) them. */
    static final java.nio.file.Path UPLOADS = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "perception-uploads",
            String.valueOf(ProcessHandle.current().pid()));

    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    private Routes() {
    }

    /** The handlers whose counts span every HTTP verticle instance: the active-request gauge and the per-key limits. */
    record Shared(RequestLimits limits, ApiKeys keys) {
    }

    static Shared shared(GatewayContext context) {
        return new Shared(new RequestLimits(context), new ApiKeys(context.config()));
    }

    public static Router create(GatewayContext context, PrometheusMeterRegistry meters, BooleanSupplier draining, Shared shared) {
        Router router = Router.router(context.vertx());
        router.route().handler(Routes::logRequest);
        router.route().handler(shared.limits());
        router.route().handler(new Origins(context.config().get("allowed_origins")));
        router.route().handler(shared.keys());
        // JSON endpoints take JSON only: a text/plain POST is a "simple" cross-site request with no preflight
        router.post("/v1/audio/speech").handler(Routes::requireJson);
        router.post("/v1/chat/completions").handler(Routes::requireJson);
        // Bodies are read (and limited) only where a route takes one; uploads go to temp files
        // that are deleted when the request ends, whatever happened.
        router.post().handler(BodyHandler.create()
                .setBodyLimit(context.config().maxBodyBytes())
                .setUploadsDirectory(UPLOADS.toString())
                .setDeleteUploadedFilesOnEnd(true)
                .setHandleFileUploads(true));
        router.post().handler(ctx -> ctx.put(RequestLimits.BODY_READ, true).next());
        // the socket paths answer a plain GET in the error shape (Vert.x's own refusal has a text body)
        for (String socket : java.util.List.of("/v1/audio/stream", "/v1/realtime", "/v1/video")) {
            router.get(socket).handler(ctx -> {
                if (RequestLimits.isUpgrade(ctx.request())) ctx.next();
                else ErrorHandler.send(ctx, ApiError.badRequest("websocket_required", "GET " + socket
                        + " is a WebSocket: connect with a WebSocket client (ws:// or wss://, Upgrade: websocket)."));
            });
        }

        router.get("/health").handler(ctx -> JsonReply.send(ctx, 200, new JsonObject().put("status", "ok")));
        router.head("/health").handler(ctx -> ctx.response().putHeader("content-type", "application/json").end());
        router.get("/ready").handler(ctx -> ready(ctx, context, draining.getAsBoolean()));
        router.get("/metrics").handler(PrometheusScrapingHandler.create(meters));
        router.get("/v1/models").handler(ctx -> models(ctx, context.models()));

        // every feature's routes, in its order (the web page last: its static handler takes the rest of GET)
        for (Feature feature : Features.all()) {
            RouteModule routes = feature.routes();
            if (routes != null) routes.mount(router, context);
        }

        router.route().last().handler(ctx -> ErrorHandler.send(ctx,
                ApiError.notFound("No route for " + ctx.request().method() + " " + ctx.request().path() + ". See README.md for the API list.")));
        router.route().failureHandler(new ErrorHandler());
        return router;
    }

    private static void requireJson(RoutingContext ctx) {
        String type = String.valueOf(ctx.request().getHeader("content-type")).toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("application/json") || type.matches("application/[a-z0-9.+-]*\\+json.*")) {
            ctx.next();
        } else {
            ErrorHandler.send(ctx, ApiError.unsupportedMedia("Send the body as JSON with the header Content-Type: application/json."));
        }
    }


    private static void ready(RoutingContext ctx, GatewayContext context, boolean draining) {
        ModelRegistry models = context.models();
        boolean ready = models.ready() && !draining;
        String status = draining ? "draining" : ready ? "ready"
                : models.entries().stream().anyMatch(e -> e.state() == ModelRegistry.State.FAILED) ? "failed" : "loading";
        JsonReply.send(ctx, ready ? 200 : 503, new JsonObject().put("status", status).put("models", models.toJson())
                .put("cluster", perception.gateway.core.Workers.of(context).toJson()));
    }

    private static void models(RoutingContext ctx, ModelRegistry models) {
        JsonArray data = new JsonArray();
        for (ModelRegistry.Entry e : models.entries()) {
            if (e.state() != ModelRegistry.State.LOADED) continue;
            data.add(new JsonObject().put("id", e.id()).put("object", "model").put("created", e.createdAt())
                    .put("owned_by", "perception-gateway").put("task", e.task()));
        }
        JsonReply.send(ctx, 200, new JsonObject().put("object", "list").put("data", data));
    }

    /** One log line per request: method, path, status, latency. */
    private static void logRequest(RoutingContext ctx) {
        long start = System.nanoTime();
        ctx.addEndHandler(v -> log.info("{} {} {} {} ms", ctx.request().method(), ctx.request().path(),
                ctx.response().getStatusCode(), (System.nanoTime() - start) / 1_000_000));
        ctx.next();
    }
}
