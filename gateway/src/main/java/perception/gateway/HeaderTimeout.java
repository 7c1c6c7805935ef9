package perception.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose first request's headers have not all arrived within header_timeout_s
 * (a client trickling headers a byte at a time would otherwise hold the connection forever, since
 * each byte resets the idle timer). Later requests on a kept-alive connection are bounded by the
 * idle and body timeouts.
 */
final class HeaderTimeout {
    private static final Logger log = LoggerFactory.getLogger(HeaderTimeout.class);

    private final Vertx vertx;
    private final long millis;
    private final Map<HttpConnection, Long> waiting = new ConcurrentHashMap<>();

    HeaderTimeout(Vertx vertx, long millis) {
        this.vertx = vertx;
        this.millis = millis;
    }

    void opened(HttpConnection conn) {
        long timer = vertx.setTimer(millis, t -> {
            if (waiting.remove(conn) == null) return;
            log.info("closing a connection from {}: no complete request headers within {} s", conn.remoteAddress(), millis / 1000);
            conn.close();
        });
        waiting.put(conn, timer);
        conn.closeHandler(v -> {
            Long t = waiting.remove(conn);
            if (t != null) vertx.cancelTimer(t);
        });
    }

    void arrived(HttpConnection conn) {
        Long t = waiting.remove(conn);
        if (t != null) vertx.cancelTimer(t);
    }
}
