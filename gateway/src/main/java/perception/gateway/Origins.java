package perception.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import perception.gateway.core.ApiError;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.SocketGuard;

/**
 * Which web pages may use the gateway. A browser sends {@code Origin} with every WebSocket and
 * cross-site request; without this check a page on any website could open the microphone, camera
 * and realtime sockets of a gateway running on the user's machine, or POST to it. Allowed: the
 * gateway's own pages (same origin), pages served from localhost, and the allowed_origins setting
 * ("*" for any). Others get 403 in the error shape; allowed cross-origin callers get CORS headers,
 * and their preflights (OPTIONS) are answered here. Requests without Origin (curl, SDKs) pass.
 */
final class Origins implements Handler<RoutingContext> {
    private static final Set<String> LOCAL = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> allowed;

    Origins(String setting) {
        allowed = setting == null ? Set.of() : Arrays.stream(setting.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String origin = req.getHeader("origin");
        if (origin == null) {
            ctx.next();
            return;
        }
        if (!allows(origin, req.getHeader("host"))) {
            ErrorHandler.send(ctx, new ApiError(403, "invalid_request_error", "origin_not_allowed",
                    "Pages from " + SocketGuard.clip(origin) + " may not use this gateway: add the origin to the allowed_origins setting (GATEWAY_ALLOWED_ORIGINS) if it should.", null));
            return;
        }
        ctx.response().putHeader("access-control-allow-origin", origin).putHeader("vary", "Origin");
        if (req.method() == HttpMethod.OPTIONS && req.getHeader("access-control-request-method") != null) {
            ctx.response().setStatusCode(204)
                    .putHeader("access-control-allow-methods", "GET, POST, HEAD, OPTIONS")
                    .putHeader("access-control-allow-headers", "authorization, content-type, openai-beta")
                    .putHeader("access-control-max-age", "600").end();
            return;
        }
        ctx.next();
    }

    boolean allows(String origin, String host) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (allowed.contains("*") || allowed.contains(o)) return true;
        try {
            URI uri = URI.create(o);
            if (uri.getHost() == null) return false;
            if (LOCAL.contains(uri.getHost())) return true;
            String hostPort = uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
            return host != null && host.toLowerCase(Locale.ROOT).equals(hostPort);
        } catch (IllegalArgumentException e) {
            return false; // "null" (sandboxed pages, files) and garbage
        }
    }
}
