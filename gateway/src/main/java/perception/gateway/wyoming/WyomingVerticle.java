package perception.gateway.wyoming;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.GatewayConfig;
import perception.gateway.core.GatewayContext;

/**
 * The Wyoming protocol server (Home Assistant's voice services speak it): a TCP {@link NetServer}
 * on {@code wyoming_host:wyoming_port}, one {@link WyomingConnection} per client. It reaches the
 * senses only through the event bus, like the HTTP routes. Deployed by the gateway when
 * {@code wyoming_port} is set; stopping it closes every client.
 */
public final class WyomingVerticle extends VerticleBase {
    private static final Logger log = LoggerFactory.getLogger(WyomingVerticle.class);
    /** A client that neither sends nor receives anything for this long is disconnected. */
    static final int IDLE_SECONDS = 300;

    private final GatewayContext context;
    private final Set<WyomingConnection> connections = ConcurrentHashMap.newKeySet();
    private NetServer server;

    public WyomingVerticle(GatewayContext context) {
        this.context = context;
    }

    @Override
    public Future<?> start() {
        GatewayConfig config = context.config();
        Gauge.builder("perception.wyoming.connections", connections, Set::size)
                .description("open Wyoming protocol connections").register(context.meters());
        server = vertx.createNetServer(new NetServerOptions()
                .setHost(config.wyomingHost())
                .setPort(config.wyomingPort())
                .setTcpNoDelay(true)
                .setIdleTimeout(IDLE_SECONDS).setIdleTimeoutUnit(TimeUnit.SECONDS));
        server.connectHandler(socket -> {
            WyomingConnection c = new WyomingConnection(context, socket);
            connections.add(c);
            c.start(() -> connections.remove(c));
        });
        return server.listen()
                .onSuccess(s -> log.info("Wyoming server listening on tcp://{}:{}", config.wyomingHost(), s.actualPort()));
    }

    public int actualPort() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        connections.forEach(c -> c.socket().close());
        return server == null ? Future.succeededFuture() : server.close();
    }
}
