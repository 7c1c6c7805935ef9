package perception.gateway.web;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import perception.gateway.core.GatewayContext;

/**
 * The browser page (Talk, Show, Watch, Status) at {@code /}: plain HTML, CSS and JS modules from
 * the jar's {@code webroot/}, no build step. Paths that are not files fall through to the next
 * route, so unknown API paths still get the JSON 404.
 */
public final class WebRoutes {
    /** Scripts, sockets, media and images of the page come only from this gateway (blob:/data: for local previews). */
    private static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "connect-src 'self' ws: wss:",
            "img-src 'self' blob: data:",
            "media-src 'self' blob:",
            "style-src 'self'",
            "script-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'");

    private WebRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
        StaticHandler files = StaticHandler.create("webroot")
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                .setMaxAgeSeconds(60)
                .setSendVaryHeader(false);
        router.route("/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(WebRoutes::headers).handler(files);
    }

    private static void headers(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (path.equals("/") || path.endsWith(".html")) {
            ctx.response().putHeader("content-security-policy", CONTENT_SECURITY_POLICY)
                    .putHeader("x-content-type-options", "nosniff")
                    .putHeader("referrer-policy", "no-referrer")
                    // The page asks for the mic and camera itself; nothing embedded may.
                    .putHeader("permissions-policy", "microphone=(self), camera=(self)");
        }
        ctx.next();
    }
}
