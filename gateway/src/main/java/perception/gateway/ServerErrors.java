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

    /**
     * What no handler caught on an event loop (Vert.x's default logs each at ERROR with its stack).
     * One is a known Vert.x fault under hostile traffic: an upload whose connection closes mid-body
     * is cancelled twice (its pipe closes the file, then the body handler's clean-up cancels it
     * again) and the second cancel throws "File handle is closed". Nothing is lost — the handle is
     * closed and the file deleted — so it is one debug line, not an ERROR any client could fill the
     * log with.
     */
    static void unhandled(Throwable t) {
        if (t instanceof IllegalStateException && "File handle is closed".equals(t.getMessage())) {
            log.debug("upload cancelled twice as its connection closed: {}", t.toString());
        } else {
            log.error("unhandled exception on an event loop", t);
        }
    }

    /**
     * Vert.x answers a request in an HTTP version other than 1.0/1.1 (say "GET / HTTP/1.7") itself,
     * with a bodiless 501, before any handler of ours sees it. A Netty handler placed in front of
     * Vert.x's answers it instead: 505 in the error shape, then the connection is closed. (Only
     * HTTP/1.x connections carry such requests; HTTP/2 frames never reach this handler as requests.)
     */
    static void guardVersions(io.vertx.core.http.HttpConnection conn) {
        if (!(conn instanceof io.vertx.core.http.impl.HttpServerConnection c)) return;
        var vertxHandler = c.channelHandlerContext();
        if (vertxHandler.pipeline().get(VersionGuard.class) == null) {
            vertxHandler.pipeline().addBefore(vertxHandler.name(), "perception-version-guard", new VersionGuard());
            // A client's FIN (half-close) after its request: Netty would close the connection at once, and the
            // request never got its answer (issue #29). Kept half-open, the request in flight is answered
            // (RequestLimits: 400 incomplete_multipart / incomplete_body when its body cannot finish now),
            // then the connection closes. Not over TLS, where a FIN without close_notify is a truncation.
            if (vertxHandler.channel() instanceof io.netty.channel.socket.SocketChannel socket
                    && vertxHandler.pipeline().get(io.netty.handler.ssl.SslHandler.class) == null) {
                socket.config().setAllowHalfClosure(true);
            }
        }
    }

    /** Set on a connection whose client has half-closed (sent FIN) while a request was in flight. */
    static final io.netty.util.AttributeKey<Boolean> INPUT_SHUT = io.netty.util.AttributeKey.valueOf("perception.inputShut");

    /** Whether this request's client has closed its side: nothing more of the body will come. */
    static boolean inputShut(io.vertx.core.http.HttpConnection conn) {
        return conn instanceof io.vertx.core.http.impl.HttpServerConnection c
                && Boolean.TRUE.equals(c.channelHandlerContext().channel().attr(INPUT_SHUT).get());
    }

    /** How long a request in flight when its client half-closes may take to start its answer. */
    static final long HALF_CLOSE_GRACE_MS = 2000;

    private static final class VersionGuard extends io.netty.channel.ChannelDuplexHandler {
        private boolean refused;
        private int inFlight; // requests read whose response has not ended
        private boolean responding; // the head of the current response is out
        private boolean inputShut;

        /**
         * The client sent FIN. Nothing in flight: close, as before. A request in flight: its answer goes out
         * if it starts within {@link #HALF_CLOSE_GRACE_MS} (an error for an incomplete body, a quick reply), and
         * a streamed answer already under way goes on (a client that really left resets it at the next write);
         * past the grace with no answer started, the connection closes as before, which cancels the work (a
         * FIN is also how a client that gave up leaves; it must not keep a generation or transcription going).
         */
        @Override
        public void userEventTriggered(io.netty.channel.ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent && !inputShut) {
                inputShut = true;
                ctx.channel().attr(INPUT_SHUT).set(Boolean.TRUE);
                if (inFlight == 0 || refused) {
                    ctx.close();
                    return;
                }
                log.debug("client half-closed with a request in flight: answering it if it is ready soon, then closing");
                ctx.executor().schedule(() -> {
                    if (ctx.channel().isActive() && inFlight > 0 && !responding) ctx.close();
                }, HALF_CLOSE_GRACE_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void write(io.netty.channel.ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
            boolean interim = msg instanceof io.netty.handler.codec.http.HttpResponse r
                    && r.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL && r.status().code() != 101;
            if (msg instanceof io.netty.handler.codec.http.HttpResponse && !interim) responding = true;
            if (msg instanceof io.netty.handler.codec.http.LastHttpContent && !interim && inFlight > 0) {
                responding = false;
                inFlight--;
                if (inputShut && inFlight == 0) {
                    promise = promise.unvoid();
                    promise.addListener(f -> ctx.close());
                }
            }
            ctx.write(msg, promise);
        }

        /**
         * Vert.x closes a connection at once after a request it could not decode (a malformed
         * multipart body, see ErrorHandler); if the client is still sending its body, closing with
         * unread data resets the connection and the client loses the 400 already sent. So such a
         * close lingers: output is shut (the client sees the reply and its end), the rest of the
         * body is read and dropped, and the connection closes when the client does or after 2 s.
         */
        @Override
        public void close(io.netty.channel.ChannelHandlerContext ctx, io.netty.channel.ChannelPromise promise) {
            if (refused || ctx.channel().attr(perception.gateway.core.ErrorHandler.LINGER).getAndSet(null) == null
                    || !(ctx.channel() instanceof io.netty.channel.socket.SocketChannel socket)) {
                ctx.close(promise);
                return;
            }
            refused = true; // drop what still comes
            socket.shutdownOutput();
            ctx.executor().schedule(() -> ctx.close(promise), 2, java.util.concurrent.TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            if (refused) { // the rest of a refused request: dropped, the connection is closing
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof io.netty.handler.codec.http.HttpContent c && c.decoderResult().isFailure()
                    && c.decoderResult().cause() instanceof io.netty.handler.codec.PrematureChannelClosureException && inFlight > 0) {
                // the client half-closed mid-body: the decoder's premature-closure chunk would make Vert.x close the
                // connection without a reply; dropped, the request is answered as incomplete (RequestLimits)
                io.netty.util.ReferenceCountUtil.release(msg);
                ctx.channel().attr(INPUT_SHUT).set(Boolean.TRUE);
                return;
            }
            if (msg instanceof io.netty.handler.codec.http.HttpRequest) inFlight++;
            if (msg instanceof io.netty.handler.codec.http.HttpRequest r && r.decoderResult().isSuccess() && !supported(r.protocolVersion())) {
                refused = true;
                io.netty.util.ReferenceCountUtil.release(msg);
                log.info("rejected a request in {} from {}", perception.gateway.core.SocketGuard.clip(r.protocolVersion().text()), ctx.channel().remoteAddress());
                ApiError error = new ApiError(505, "invalid_request_error", "http_version_not_supported",
                        "Only HTTP/1.0 and HTTP/1.1 are served here (HTTP/2 over TLS): send the request as HTTP/1.1.", null);
                byte[] body = error.toJson().encode().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                var reply = new io.netty.handler.codec.http.DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                        io.netty.handler.codec.http.HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, io.netty.buffer.Unpooled.wrappedBuffer(body));
                reply.headers().set("content-type", "application/json").set("content-length", body.length).set("connection", "close");
                ctx.writeAndFlush(reply).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelRead(msg);
        }

        private static boolean supported(io.netty.handler.codec.http.HttpVersion v) {
            return v.majorVersion() == 1 && (v.minorVersion() == 0 || v.minorVersion() == 1);
        }
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
