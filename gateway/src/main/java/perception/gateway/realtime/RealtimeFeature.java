package perception.gateway.realtime;

import perception.gateway.core.Feature;
import perception.gateway.core.RouteModule;

/** The OpenAI Realtime WebSocket: client side only, a caller of the speech, llm and vision addresses. */
public final class RealtimeFeature implements Feature {
    @Override
    public String name() {
        return "realtime";
    }

    @Override
    public RouteModule routes() {
        return RealtimeRoutes::mount;
    }

    @Override
    public int order() {
        return 40;
    }
}
