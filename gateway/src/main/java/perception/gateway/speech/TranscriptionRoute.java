package perception.gateway.speech;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Locale;
import perception.gateway.core.ApiError;
import perception.gateway.core.GatewayContext;

/** POST /v1/audio/transcriptions, as OpenAI's: multipart with file, model, language, response_format, timestamp_granularities[]. */
final class TranscriptionRoute {
    static final List<String> MODELS = List.of("vosk-en", "whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe");

    private final GatewayContext context;

    TranscriptionRoute(GatewayContext context) {
        this.context = context;
    }

    void handle(RoutingContext ctx) {
        var form = ctx.request().formAttributes();
        String contentType = String.valueOf(ctx.request().getHeader("content-type")).toLowerCase(Locale.ROOT);
        if (!contentType.startsWith("multipart/form-data")) {
            throw ApiError.badRequest("invalid_request", "send multipart/form-data with the audio in a field named 'file' (as OpenAI's API takes it)");
        }
        FileUpload file = ctx.fileUploads().stream().filter(f -> f.name().equals("file")).findFirst()
                .orElseThrow(() -> ApiError.badParam("file", "the 'file' field with the audio is missing"));
        String model = form.get("model");
        if (model == null || model.isBlank()) throw ApiError.badParam("model", "'model' is required; use vosk-en (or whisper-1, which maps to it)");
        if (!MODELS.contains(model)) throw ApiError.badParam("model", "model '" + model + "' is not served here; use one of " + MODELS + " (all run vosk-en)");
        String language = form.get("language");
        if (language != null && !language.isBlank() && !List.of("en", "english").contains(language.toLowerCase(Locale.ROOT))) {
            throw ApiError.badParam("language", "language '" + language + "' is not available: the loaded Vosk model is English (en)");
        }
        String format = form.get("response_format") == null ? "json" : form.get("response_format");
        if (!TranscriptionFormats.FORMATS.contains(format)) {
            throw ApiError.badParam("response_format", "response_format must be one of " + TranscriptionFormats.FORMATS + ", got '" + format + "'");
        }
        List<String> granularities = form.getAll("timestamp_granularities[]");
        if (granularities.isEmpty()) granularities = form.getAll("timestamp_granularities");
        for (String g : granularities) {
            if (!g.equals("word") && !g.equals("segment")) throw ApiError.badParam("timestamp_granularities[]", "timestamp granularity must be word or segment, got '" + g + "'");
        }
        if (!granularities.isEmpty() && !format.equals("verbose_json")) {
            throw ApiError.badParam("timestamp_granularities[]", "timestamp_granularities needs response_format=verbose_json");
        }
        boolean words = granularities.contains("word");
        boolean segments = granularities.isEmpty() || granularities.contains("segment");
        if (file.size() == 0) throw ApiError.badParam("file", "the audio file is empty (0 bytes)");

        context.vertx().fileSystem().readFile(file.uploadedFileName())
                .compose(bytes -> perception.gateway.core.Workers.<JsonObject>request(context.vertx(), SpeechFeature.TRANSCRIBE, bytes,
                        new DeliveryOptions().setSendTimeout(10 * 60_000), true))
                .onSuccess(reply -> {
                    var r = TranscriptionFormats.render(reply.body(), format, segments, words);
                    ctx.response().putHeader("content-type", r.contentType()).end(r.body());
                })
                .onFailure(e -> ctx.fail(toApiError(e, "file")));
    }

    /** The error the client sees for a failed speech call: the speech sense's, naming the request's field when it was bad input. */
    static ApiError toApiError(Throwable e, String param) {
        ApiError a = SpeechVerticle.SENSE.toApiError(e);
        return a.status() == 400 && param != null ? new ApiError(400, a.type(), a.code(), a.getMessage(), param) : a;
    }
}
