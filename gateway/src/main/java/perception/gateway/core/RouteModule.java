package perception.gateway.core;

import io.vertx.ext.web.Router;

/**
 * A feature's HTTP and WebSocket routes. Each feature (speech, vision, llm, realtime, web) mounts
 * its own; only the assembly (the gateway's Routes) knows the list.
 */
@FunctionalInterface
public interface RouteModule {
    void mount(Router router, GatewayContext context);
}
