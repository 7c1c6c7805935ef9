package perception.tests.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import perception.gateway.core.ApiError;
import perception.gateway.core.BusStream;
import perception.gateway.speech.SpeechFeature;
import perception.tests.TestGateway;

/**
 * Shutdown while a speech worker runs: the synthesis in progress stops at its next sentence and its
 * caller is told the sense is stopping (503), then the natives are closed (off the event loop,
 * after the worker let go), and the gateway's stop completes. Before, the verticle closed FreeTTS,
 * Vosk and Silero on the event loop under the running worker, and the caller heard nothing.
 */
class SpeechShutdownTest {
    private static final int SENTENCES = 60;

    @Test
    void aSynthesisInProgressEndsWithStoppingAndTheGatewayStops() throws Exception {
        TestGateway gateway = TestGateway.start("analyzers", "", "llm_backend", "none");
        Vertx vertx = gateway.gateway().vertx();
        StringBuilder text = new StringBuilder();
        for (int i = 1; i <= SENTENCES; i++) text.append("This is sentence number ").append(i).append(", which keeps the voice busy. ");
        AtomicInteger pieces = new AtomicInteger();
        CompletableFuture<Void> speaking = new CompletableFuture<>();
        CompletableFuture<JsonObject> result = new CompletableFuture<>();
        vertx.runOnContext(v -> BusStream.call(vertx, SpeechFeature.SYNTHESIZE, "shutdown-1",
                        new JsonObject().put("input", text.toString()).put("speed", 1.0).put("sample_rate", 16000), null, p -> {
                            pieces.incrementAndGet();
                            speaking.complete(null);
                        })
                .result().onSuccess(result::complete).onFailure(result::completeExceptionally));
        speaking.get(60, TimeUnit.SECONDS); // a worker is inside FreeTTS now

        long t0 = System.nanoTime();
        gateway.gateway().stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        double stopSeconds = (System.nanoTime() - t0) / 1e9;

        Throwable failure = null;
        try {
            result.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            failure = e.getCause();
        }
        assertTrue(failure instanceof ApiError, "the caller was told why the synthesis ended, got " + failure
                + " after " + pieces.get() + " of " + SENTENCES + " sentences");
        assertEquals(503, ((ApiError) failure).status(), failure.getMessage());
        assertEquals("stopping", ((ApiError) failure).code());
        assertTrue(pieces.get() < SENTENCES, "the synthesis stopped early: " + pieces.get() + " sentences");
        assertTrue(stopSeconds < 60, "stopped in " + stopSeconds + " s");
    }
}
