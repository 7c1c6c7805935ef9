package perception.gateway;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import perception.gateway.core.ApiError;

/**
 * Requests the HTTP server rejects before any route sees them (request line or headers too long,
 * unparseable): answered in the OpenAI error shape like every other error, then the connection is
 * closed, as the decoder's state cannot be trusted.
 */
final class ServerErrors {
    private static final Logger log = LoggerFactory.getLogger(ServerErrors.class);

    private ServerErrors() {
    }

    static void invalidRequest(HttpServerRequest req) {
        DecoderResult result = req.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        ApiError error;
        if (cause instanceof TooLongHttpLineException) {
            error = new ApiError(414, "invalid_request_error", "uri_too_long", "The request line is too long: put large inputs in the body.", null);
        } else if (cause instanceof TooLongHttpHeaderException) {
            error = new ApiError(431, "invalid_request_error", "headers_too_large", "The request headers are too large (8 KB in all).", null);
        } else {
            error = ApiError.badRequest("bad_request", "The request could not be parsed as HTTP/1.1.");
        }
        log.info("rejected an invalid request from {}: {}", req.remoteAddress(), error.status());
        req.response().setStatusCode(error.status()).putHeader("content-type", "application/json")
                .putHeader("connection", "close")
                .end(error.toJson().encode())
                .onComplete(v -> req.connection().close());
    }
}
