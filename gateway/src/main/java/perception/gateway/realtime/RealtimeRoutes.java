package perception.gateway.realtime;

import io.vertx.ext.web.Router;
import perception.gateway.core.ApiError;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayContext;

/** GET /v1/realtime: the OpenAI Realtime protocol over a WebSocket, one {@link RealtimeSession} per socket. */
public final class RealtimeRoutes {
    private RealtimeRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
        router.get("/v1/realtime").handler(ctx -> ctx.request().toWebSocket()
                .onSuccess(ws -> new RealtimeSession(context, ws).start())
                .onFailure(e -> {
                    if (!ctx.response().headWritten()) {
                        ErrorHandler.send(ctx, ApiError.badRequest("websocket_required",
                                "GET /v1/realtime is a WebSocket speaking the OpenAI Realtime protocol: connect with ws://"));
                    }
                }));
    }
}
