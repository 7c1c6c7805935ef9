package perception.tests.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.gateway.llm.LlmFeature;
import perception.llm.onnx.testmodel.TestModelFolder;
import perception.tests.TestGateway;

/**
 * A generation nobody waits for stops: a cancel that overtakes its request on the bus, and a
 * listener that went away without a cancel. The checksum test model never says EOS, so without
 * these it would run to max_tokens.
 */
class GenerateCancelTest {
    static final int MAX_TOKENS = 1500;
    @TempDir
    static Path dir;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "embedded",
                "llm_model_dir", TestModelFolder.write(dir.resolve("chat"), TestModelFolder.Kind.TEXT_CHECKSUM).toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    static JsonObject request(String id, String streamTo) {
        return new JsonObject().put("id", id).put("stream_to", streamTo).put("max_tokens", MAX_TOKENS)
                .put("model", "chat")
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                        .put("parts", new JsonArray().add(new JsonObject().put("text", "Write a long story.")))));
    }

    @Test
    void aCancelThatArrivesBeforeItsRequestStillStopsIt() throws Exception {
        Vertx vertx = gateway.gateway().vertx();
        CompletableFuture<JsonObject> done = new CompletableFuture<>();
        MessageConsumer<JsonObject> pieces = vertx.eventBus().consumer("test.early-cancel", m -> {
            if (m.body().containsKey("done")) done.complete(m.body().getJsonObject("done"));
            if (m.body().containsKey("error")) done.completeExceptionally(new AssertionError(m.body().encode()));
        });
        pieces.completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.eventBus().send(LlmFeature.GENERATE_CANCEL, "early-1");
        vertx.eventBus().request(LlmFeature.GENERATE, request("early-1", "test.early-cancel"));
        JsonObject result = done.get(60, TimeUnit.SECONDS);
        pieces.unregister();
        assertEquals("cancelled", result.getString("finish_reason"), result.getInteger("completion_tokens") + " tokens generated");
        assertTrue(result.getInteger("completion_tokens") <= 1, "stopped before generating: " + result.getInteger("completion_tokens") + " tokens");
    }

    @Test
    void aGenerationWhoseListenerLeftIsCancelled() throws Exception {
        Vertx vertx = gateway.gateway().vertx();
        Counter cancelled = gateway.gateway().context().meters().counter("perception.llm.generations", "finish", "cancelled");
        Counter ranOut = gateway.gateway().context().meters().counter("perception.llm.generations", "finish", "length");
        double before = cancelled.count(), ranOutBefore = ranOut.count();
        vertx.eventBus().request(LlmFeature.GENERATE, request("orphan-1", "test.nobody-listens-here"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (cancelled.count() == before && ranOut.count() == ranOutBefore && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(ranOutBefore, ranOut.count(), "the orphaned generation ran to max_tokens");
        assertEquals(before + 1, cancelled.count(), "the orphaned generation was cancelled");
    }
}
