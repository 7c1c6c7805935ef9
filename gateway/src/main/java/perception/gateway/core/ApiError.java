package perception.gateway.core;

import io.vertx.core.json.JsonObject;

/**
 * The one error type of the gateway. Every failure a client sees is one of these, rendered in the
 * OpenAI error shape {@code {"error":{"message","type","code","param"}}} by {@link ErrorHandler}.
 * Messages say what the user can do about it.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;

    public ApiError(int status, String type, String code, String message, String param) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public static ApiError badRequest(String code, String message) {
        return new ApiError(400, "invalid_request_error", code, message, null);
    }

    public static ApiError badParam(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_parameter", message, param);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", "not_found", message, null);
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, "invalid_request_error", "payload_too_large", message, null);
    }

    public static ApiError unsupportedMedia(String message) {
        return new ApiError(415, "invalid_request_error", "unsupported_media_type", message, null);
    }

    public static ApiError unavailable(String code, String message) {
        return new ApiError(503, "service_unavailable", code, message, null);
    }

    public static ApiError upstream(int status, String code, String message) {
        return new ApiError(status, "upstream_error", code, message, null);
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", "internal_error", message, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public JsonObject toJson() {
        return new JsonObject().put("error", new JsonObject()
                .put("message", getMessage())
                .put("type", type)
                .put("code", code)
                .put("param", param));
    }
}
