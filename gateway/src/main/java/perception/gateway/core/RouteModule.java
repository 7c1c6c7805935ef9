package perception.gateway.core;

import io.vertx.ext.web.Router;

/**
 * A feature's HTTP and WebSocket routes, which its {@link Feature#routes()} returns; the gateway's
 * Routes mounts every feature's, in {@link Feature#order()}.
 */
@FunctionalInterface
public interface RouteModule {
    void mount(Router router, GatewayContext context);
}
