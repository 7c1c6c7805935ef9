package perception.gateway.speech;

import io.vertx.ext.web.Router;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayContext;

/** HTTP and WebSocket routes of the speech sense; they reach its verticle only through the event bus. */
public final class SpeechRoutes {
    private SpeechRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
        TranscriptionRoute transcription = new TranscriptionRoute(context);
        SynthesisRoute synthesis = new SynthesisRoute(context);
        router.post("/v1/audio/transcriptions").handler(transcription::handle);
        router.post("/v1/audio/speech").handler(synthesis::handle);
        router.get("/v1/audio/stream").handler(ctx -> ctx.request().toWebSocket()
                .onSuccess(ws -> new StreamSocket(context, ws).start())
                .onFailure(e -> {
                    if (!ctx.response().headWritten()) {
                        ErrorHandler.send(ctx, perception.gateway.core.ApiError.badRequest("websocket_required",
                                "GET /v1/audio/stream is a WebSocket (vosk-server protocol): connect with ws://"));
                    }
                }));
    }
}
