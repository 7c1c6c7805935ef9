package perception.gateway;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.GatewayContext;

/**
 * One instance of the HTTP and WebSocket front door (there is one per core, see {@link HttpServers});
 * all routes come from {@link Routes}.
 */
final class HttpVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(HttpVerticle.class);

    private final GatewayContext context;
    private final PrometheusMeterRegistry meters;
    private final Routes.Shared shared;
    private final java.util.function.BooleanSupplier draining;
    private HttpServer server;

    HttpVerticle(GatewayContext context, PrometheusMeterRegistry meters, Routes.Shared shared, java.util.function.BooleanSupplier draining) {
        this.context = context;
        this.meters = meters;
        this.shared = shared;
        this.draining = draining;
    }

    @Override
    public Future<?> start() {
        var router = Routes.create(context, meters, draining, shared);
        GatewayConfig config = context.config();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.host())
                // port 0: -1 asks Vert.x for one random port shared by every instance (0 would give each its own)
                .setPort(config.port() == 0 ? -1 : config.port())
                .setCompressionSupported(true)
                // no cleartext HTTP/2 sniffing: it buffers the first bytes before a connection exists,
                // which a client trickling its headers would use to dodge the header timeout
                .setHttp2ClearTextEnabled(false)
                // browsers offer "realtime" next to openai-insecure-api-key.KEY (see ApiKeys); the reply must pick one
                .setWebSocketSubProtocols(java.util.List.of("realtime"))
                // read idle: our own pings make live WebSocket clients answer, so only dead peers time out
                .setReadIdleTimeout((int) config.limit("idle_timeout_s"))
                .setIdleTimeoutUnit(TimeUnit.SECONDS)
                .setMaxWebSocketFrameSize((int) Math.min(Integer.MAX_VALUE, config.limit("ws_max_frame_kb") * 1024))
                .setMaxWebSocketMessageSize((int) Math.min(Integer.MAX_VALUE, config.limit("ws_max_message_mb") << 20))
                // no WebSocket compression: Netty checks the frame cap on the deflated bytes and inflates
                // without a bound (Vert.x passes it none), so a 16 KB frame of zeros became 16 MB past
                // ws_max_frame_kb (issue #29); video frames are JPEG and audio is PCM, little to gain
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        boolean tls = config.get("tls_cert") != null;
        if (tls) {
            // TLS with ALPN: clients that ask get HTTP/2, the rest (and every WebSocket) HTTP/1.1
            options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(config.get("tls_cert")).setKeyPath(config.get("tls_key")));
        }
        server = vertx.createHttpServer(options);
        HeaderTimeout headers = new HeaderTimeout(vertx, config.limit("header_timeout_s") * 1000);
        return server.connectionHandler(conn -> {
                    ServerErrors.guardVersions(conn);
                    headers.opened(conn);
                })
                .invalidRequestHandler(ServerErrors::invalidRequest)
                .requestHandler(req -> {
                    headers.arrived(req.connection());
                    router.handle(req);
                })
                .listen()
                .onSuccess(s -> log.debug("instance listening on {}://{}:{}", tls ? "https" : "http", config.host(), s.actualPort()));
    }

    int actualPort() {
        return server.actualPort();
    }

    /** Stops this instance accepting connections and lets its in-flight requests finish, for at most timeoutMillis. */
    Future<Void> drain(long timeoutMillis) {
        return server.shutdown(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
