package perception.gateway.vision;

import io.vertx.ext.web.Router;
import perception.gateway.GatewayContext;

/** HTTP and WebSocket routes of the vision sense; they reach its verticle only through the event bus. */
public final class VisionRoutes {
    private VisionRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
    }
}
