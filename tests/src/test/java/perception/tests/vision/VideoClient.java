package perception.tests.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A camera on {@code /v1/video} for tests: opens the socket, sends frames, waits for the gateway's events by type. */
public final class VideoClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
    private final WebSocket ws;
    private final String sessionId;

    /** Connects and waits for {@code session.created}. */
    public VideoClient(int port) throws Exception {
        ws = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/video"), new WebSocket.Listener() {
            final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    events.add(new JsonObject(text.toString()));
                    text.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        JsonObject created = events.poll(30, TimeUnit.SECONDS);
        assertNotNull(created, "no session.created");
        assertEquals("session.created", created.getString("type"), created.encode());
        sessionId = created.getString("session_id");
    }

    public String sessionId() {
        return sessionId;
    }

    /** Sends one encoded frame (JPEG or PNG) and returns its {@code frame.analysis}. */
    public JsonObject analyse(byte[] frame, int seconds) throws Exception {
        ws.sendBinary(ByteBuffer.wrap(frame), true).join();
        JsonObject e;
        do {
            e = events.poll(seconds, TimeUnit.SECONDS);
            assertNotNull(e, "no frame.analysis within " + seconds + " s");
        } while (!"frame.analysis".equals(e.getString("type")));
        return e;
    }

    @Override
    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
