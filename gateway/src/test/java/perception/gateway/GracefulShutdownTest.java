package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import perception.gateway.core.GatewayConfig;

/**
 * A request in flight when stop() begins still gets its answer; new connections are refused. No
 * sleeps: the test waits for states — the server's interim 100 Continue (a handler has the request),
 * then refused connections (draining) — so it holds on a slow machine and a fast one.
 */
class GracefulShutdownTest {

    @Test
    void inFlightRequestFinishesAndNewConnectionsAreRefused() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().with("port", "0", "speech", "false", "analyzers", "", "llm_backend", "none");
        Gateway g = Gateway.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        int port = g.port();
        try (Socket inFlight = new Socket("127.0.0.1", port)) {
            inFlight.setSoTimeout(30_000);
            OutputStream out = inFlight.getOutputStream();
            InputStream in = inFlight.getInputStream();
            out.write("POST /v1/unknown HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // The interim answer proves the server has parsed the request and a handler is reading its body.
            assertEquals("HTTP/1.1 100 Continue", line(in), "the request reached a handler");
            assertEquals("", line(in));
            out.write("12345".getBytes(StandardCharsets.US_ASCII)); // half the body: the request stays in flight
            out.flush();

            CompletableFuture<Void> stopped = g.stop().toCompletionStage().toCompletableFuture();
            awaitRefused(port); // the server is draining
            assertFalse(stopped.isDone(), "stop waits for the request in flight");

            out.write("67890".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 404"), "in-flight request answered: '" + answer + "'");
            stopped.get(15, TimeUnit.SECONDS);
        }
    }

    /** Waits (up to 30 s) until a new connection gets no answer: refused, or closed unanswered. */
    private static void awaitRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                if (s.getInputStream().read() < 0) return;
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("new connections were still answered 30 s after stop() began");
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n'; ) if (c != '\r') b.append((char) c);
        return b.toString();
    }
}
