package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A request in flight when stop() begins still gets its answer; new connections are refused. */
class GracefulShutdownTest {

    @Test
    void inFlightRequestFinishesAndNewConnectionsAreRefused() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().with("port", "0", "speech", "false", "analyzers", "", "llm_backend", "none");
        Gateway g = Gateway.start(config).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        int port = g.port();
        try (Socket inFlight = new Socket("127.0.0.1", port)) {
            OutputStream out = inFlight.getOutputStream();
            // Half a request: the server is waiting for the rest of the body.
            out.write("POST /v1/unknown HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);

            CompletableFuture<Void> stopped = g.stop().toCompletionStage().toCompletableFuture();
            Thread.sleep(300);
            assertFalse(stopped.isDone(), "stop waits for the request in flight");
            assertThrows(IOException.class, () -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    if (s.getInputStream().read() < 0) throw new IOException("closed without an answer");
                }
            }, "no new connections while draining");

            out.write("67890".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = new String(inFlight.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 404"), "in-flight request answered: " + answer);
            stopped.get(15, TimeUnit.SECONDS);
        }
    }
}
