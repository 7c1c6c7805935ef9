package perception.gateway.llm;

import io.vertx.ext.web.Router;
import perception.gateway.GatewayContext;

/** HTTP and WebSocket routes of the llm sense; they reach its verticle only through the event bus. */
public final class LlmRoutes {
    private LlmRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
    }
}
