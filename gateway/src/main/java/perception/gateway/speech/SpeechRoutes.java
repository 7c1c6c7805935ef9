package perception.gateway.speech;

import io.vertx.ext.web.Router;
import perception.gateway.GatewayContext;

/** HTTP and WebSocket routes of the speech sense; they reach its verticle only through the event bus. */
public final class SpeechRoutes {
    private SpeechRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
    }
}
