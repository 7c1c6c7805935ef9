package perception.gateway;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayConfig;

/**
 * API keys on every /v1/* route and socket (and /metrics unless open_paths names it), when keys are
 * configured. A key comes as {@code Authorization: Bearer KEY}, or, from a browser WebSocket, which
 * cannot set headers, as the subprotocol {@code openai-insecure-api-key.KEY} (as OpenAI's browser
 * clients send it). Per key: at most key_rps requests a second and key_max_sessions sockets at
 * once; beyond either, 429 with Retry-After.
 */
final class ApiKeys implements Handler<RoutingContext> {
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    static final String SUBPROTOCOL_PREFIX = "openai-insecure-api-key.";

    private final List<byte[]> keys;
    private final Set<String> open;
    private final long rps;
    private final long maxSessions;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>();      // key -> {second, count}
    private final Map<String, AtomicInteger> sessions = new ConcurrentHashMap<>();

    ApiKeys(GatewayConfig config) {
        keys = config.apiKeys().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
        open = Set.copyOf(Arrays.stream(String.valueOf(config.get("open_paths")).split(",")).map(String::trim).toList());
        rps = config.limit("key_rps");
        maxSessions = config.limit("key_max_sessions");
    }

    @Override
    public void handle(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        boolean guarded = path.startsWith("/v1/") || path.equals("/v1") || path.equals("/metrics");
        if (keys.isEmpty() || !guarded || open.contains(path)) {
            ctx.next();
            return;
        }
        HttpServerRequest req = ctx.request();
        String key = presented(req);
        if (key == null || !known(key)) {
            ctx.response().putHeader("www-authenticate", "Bearer");
            ErrorHandler.send(ctx, new ApiError(401, "invalid_request_error", key == null ? "missing_api_key" : "invalid_api_key",
                    (key == null ? "No API key: send Authorization: Bearer YOUR_KEY" : "The API key is not valid: check it")
                            + " (in the web page, open it as /?key=YOUR_KEY).", null));
            return;
        }
        if (!withinRate(key)) {
            ErrorHandler.send(ctx, new ApiError(429, "rate_limit_error", "rate_limit_exceeded",
                    "More than " + rps + " requests a second with this key (setting key_rps): slow down and retry.", null));
            return;
        }
        if (RequestLimits.isUpgrade(req)) {
            AtomicInteger open = sessions.computeIfAbsent(key, k -> new AtomicInteger());
            if (open.incrementAndGet() > maxSessions) {
                open.decrementAndGet();
                ErrorHandler.send(ctx, new ApiError(429, "rate_limit_error", "too_many_sessions",
                        "This key already has " + maxSessions + " sockets open (setting key_max_sessions): close one first.", null));
                return;
            }
            req.connection().closeHandler(v -> open.decrementAndGet()); // the connection is the socket's alone
        }
        ctx.next();
    }

    private static String presented(HttpServerRequest req) {
        String auth = req.getHeader("authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim();
        String protocols = req.getHeader("sec-websocket-protocol");
        if (protocols != null) {
            for (String p : protocols.split(",")) {
                if (p.trim().startsWith(SUBPROTOCOL_PREFIX)) return p.trim().substring(SUBPROTOCOL_PREFIX.length());
            }
        }
        return null;
    }

    /** Constant-time comparison against every key, so timing does not reveal a prefix. */
    private boolean known(String key) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (byte[] candidate : keys) found |= MessageDigest.isEqual(candidate, k);
        return found;
    }

    private boolean withinRate(String key) {
        long second = System.currentTimeMillis() / 1000;
        long[] w = windows.computeIfAbsent(key, k -> new long[2]);
        synchronized (w) {
            if (w[0] != second) {
                w[0] = second;
                w[1] = 0;
            }
            if (++w[1] <= rps) return true;
        }
        log.info("rate limit: a key sent more than {} requests in one second", rps);
        return false;
    }
}
