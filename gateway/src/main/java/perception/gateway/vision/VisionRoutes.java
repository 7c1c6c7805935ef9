package perception.gateway.vision;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import perception.gateway.core.ApiError;
import perception.gateway.core.ErrorHandler;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.JsonReply;
import perception.vision.VideoTimeline;

/**
 * HTTP and WebSocket routes of the vision sense; they reach its verticle only through the event bus.
 * <ul>
 * <li>POST /v1/images/describe: multipart {@code image} (or a raw image/* body), optional
 * {@code prompt}, {@code analyzers}, {@code detail} (form fields or query parameters);</li>
 * <li>POST /v1/videos/analyze: multipart {@code video} (or {@code file}) and {@code fps};</li>
 * <li>GET /v1/video: WebSocket of live frames, see {@link VideoSocket}.</li>
 * </ul>
 */
public final class VisionRoutes {
    private VisionRoutes() {
    }

    public static void mount(Router router, GatewayContext context) {
        VisionCodecs.register(context.vertx());
        Set<String> loaded = VideoSocket.defaultAnalyzers(context.config());
        VideoSessions.of(context); // now, so that on a cluster it hears the other nodes' sessions from the start
        router.post("/v1/images/describe").handler(ctx -> describe(ctx, context, loaded));
        router.post("/v1/videos/analyze").handler(ctx -> analyzeVideo(ctx, context, loaded));
        router.get("/v1/video").handler(ctx -> {
            double fps; // the session's own cap, also settable with session.update
            try {
                fps = VideoSocket.fps(param(ctx, "fps"));
            } catch (ApiError e) {
                ErrorHandler.send(ctx, e);
                return;
            }
            ctx.request().toWebSocket()
                    .onSuccess(ws -> new VideoSocket(ws, perception.gateway.core.SocketGuard.attach(context, ws), context.vertx(), VideoSessions.of(context), loaded,
                            fps, context.config().videoMaxFps()).start())
                    .onFailure(e -> {
                        if (!ctx.response().ended()) ErrorHandler.send(ctx, ApiError.badRequest("websocket_required",
                                "GET /v1/video is a WebSocket: connect with a WebSocket client (Upgrade: websocket)"));
                    });
        });
    }

    private static void describe(RoutingContext ctx, GatewayContext context, Set<String> loaded) {
        Set<String> analyzers = analyzers(param(ctx, "analyzers"), loaded);
        String detail = param(ctx, "detail");
        if (detail != null && !Set.of("low", "high", "auto").contains(detail)) {
            throw ApiError.badParam("detail", "detail is low, high or auto");
        }
        imageBytes(ctx, context).compose(bytes -> perception.gateway.core.Workers.<ImageResult>request(context.vertx(), VisionFeature.ANALYZE,
                        new AnalyzeImage(bytes, analyzers, null, true), new DeliveryOptions().setSendTimeout(120_000), true))
                .onSuccess(reply -> {
                    ImageResult r = reply.body();
                    JsonObject body = new JsonObject().put("description", r.description()).put("describer", "analysis");
                    String prompt = param(ctx, "prompt");
                    if (prompt != null) body.put("prompt", prompt);
                    body.mergeIn(AnalysisJson.analysis(r.analysis()));
                    body.getJsonObject("timings_ms").put("decode", Math.round(r.decodeMs() * 100) / 100.0);
                    JsonReply.send(ctx, 200, body);
                })
                .onFailure(e -> ctx.fail(VisionErrors.toApiError(e)));
    }

    /** The image from a multipart field "image" or a raw image/* body. */
    private static Future<byte[]> imageBytes(RoutingContext ctx, GatewayContext context) {
        String type = contentType(ctx);
        if (type.startsWith("multipart/form-data")) {
            FileUpload upload = ctx.fileUploads().stream().filter(u -> u.name().equals("image")).findFirst()
                    .orElseThrow(() -> ApiError.badParam("image", "the multipart form has no 'image' file field: curl -F image=@photo.jpg ..."));
            return context.vertx().fileSystem().readFile(upload.uploadedFileName()).map(Buffer::getBytes);
        }
        if (type.startsWith("image/") || type.equals("application/octet-stream")) {
            Buffer body = ctx.body().buffer();
            if (body == null || body.length() == 0) throw ApiError.badRequest("invalid_image", "the body is empty: send the image bytes");
            return Future.succeededFuture(body.getBytes());
        }
        throw ApiError.unsupportedMedia("send the image as multipart/form-data (field 'image') or as a raw image/* body, not '" + type + "'");
    }

    private static void analyzeVideo(RoutingContext ctx, GatewayContext context, Set<String> loaded) {
        if (!contentType(ctx).startsWith("multipart/form-data")) {
            throw ApiError.unsupportedMedia("send the video as multipart/form-data: curl -F video=@clip.mp4 -F fps=1 ...");
        }
        FileUpload upload = ctx.fileUploads().stream().filter(u -> u.name().equals("video") || u.name().equals("file")).findFirst()
                .orElseThrow(() -> ApiError.badParam("video", "the multipart form has no 'video' file field: curl -F video=@clip.mp4 ..."));
        if (upload.size() == 0) throw ApiError.badRequest("invalid_video", "the video is empty (0 bytes)");
        double fps;
        String fpsParam = param(ctx, "fps");
        try {
            fps = fpsParam == null ? 1.0 : Double.parseDouble(fpsParam);
        } catch (NumberFormatException e) {
            throw ApiError.badParam("fps", "fps is a number of frames per second, e.g. 1 or 0.5");
        }
        if (!(fps > 0 && fps <= 10)) throw ApiError.badParam("fps", "fps must be above 0 and at most 10");
        String requested = param(ctx, "analyzers");
        Set<String> analyzers = analyzers(requested == null ? "objects" : requested, loaded);
        perception.gateway.core.Workers.<VideoTimeline>request(context.vertx(), VisionFeature.ANALYZE, new AnalyzeVideo(upload.uploadedFileName(), fps, analyzers),
                        new DeliveryOptions().setSendTimeout(600_000), true)
                .onSuccess(reply -> JsonReply.send(ctx, 200, AnalysisJson.timeline(reply.body())))
                .onFailure(e -> ctx.fail(VisionErrors.toApiError(e)));
    }

    /** Parses "objects,faces"; null or blank gives every loaded analyzer. */
    static Set<String> analyzers(String value, Set<String> loaded) {
        if (value == null || value.isBlank()) return loaded;
        Set<String> requested = Arrays.stream(value.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        checkAnalyzers(requested, loaded);
        return requested;
    }

    static void checkAnalyzers(Set<String> requested, Set<String> loaded) {
        for (String a : requested) {
            if (!loaded.contains(a)) {
                throw ApiError.badParam("analyzers", "analyzer '" + a + "' is not available; choose from " + loaded
                        + (perception.vision.Analyzer.of(a) != null ? " (load it with GATEWAY_ANALYZERS)" : ""));
            }
        }
    }

    private static String param(RoutingContext ctx, String name) {
        String v = ctx.request().getFormAttribute(name);
        if (v == null) v = ctx.request().getParam(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static String contentType(RoutingContext ctx) {
        String t = ctx.request().getHeader("content-type");
        return t == null ? "" : t.toLowerCase(Locale.ROOT).trim();
    }
}
