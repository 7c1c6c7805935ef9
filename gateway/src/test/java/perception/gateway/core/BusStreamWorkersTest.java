package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * BusStream's cluster hooks on a real Vert.x, with a {@link Workers} that has joined (as on a
 * cluster node): a producer that names its node is watched, and that node leaving ends the stream
 * at once with a 503; a cancel is published, so every node that might run the call hears it.
 */
class BusStreamWorkersTest {
    private Vertx vertx;
    private Workers workers;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        workers = Workers.of(new GatewayContext(vertx, GatewayConfig.defaults(), new ModelRegistry(), new SimpleMeterRegistry()));
        workers.joined("gateway-node");
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theProducersNodeLeavingEndsTheStreamWithA503() throws Exception {
        // a producer on "worker-1" that accepts, sends one piece and then goes silent (its node is about to die)
        vertx.eventBus().<JsonObject>consumer("test.slow", msg -> {
            msg.reply(new JsonObject().put("accepted", msg.body().getString("id")).put("node", "worker-1"));
            new BusStream.Emitter(vertx.eventBus(), msg.body(), () -> { }).piece(new JsonObject().put("text", "first"));
        }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        CompletableFuture<Object> piece = new CompletableFuture<>();
        CompletableFuture<JsonObject> done = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            BusStream call = BusStream.call(vertx, "test.slow", "call-1", new JsonObject(), null, piece::complete);
            call.result().onSuccess(done::complete).onFailure(done::completeExceptionally);
        });
        assertEquals("first", ((JsonObject) piece.get(10, TimeUnit.SECONDS)).getString("text"));
        workers.left("worker-1");
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> done.get(10, TimeUnit.SECONDS));
        ApiError error = (ApiError) e.getCause();
        assertEquals(503, error.status());
        assertEquals("worker_lost", error.code());
        assertTrue(error.getMessage().contains("left the cluster"), error.getMessage());
    }

    @Test
    void aCancelReachesEveryNodeThatMightRunTheCall() throws Exception {
        vertx.eventBus().<JsonObject>consumer("test.long", msg -> msg.reply(new JsonObject().put("accepted", msg.body().getString("id"))))
                .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> both = new CompletableFuture<>();
        for (String node : List.of("worker-1", "worker-2")) {
            vertx.eventBus().<String>consumer("test.long.cancel", m -> {
                heard.add(node + ":" + m.body());
                if (heard.size() == 2) both.complete(null);
            }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        vertx.runOnContext(v -> {
            BusStream call = BusStream.call(vertx, "test.long", "call-2", new JsonObject(), "test.long.cancel", p -> { });
            call.accepted().onSuccess(a -> call.cancel());
        });
        both.get(10, TimeUnit.SECONDS);
        assertTrue(heard.containsAll(List.of("worker-1:call-2", "worker-2:call-2")), heard.toString());
    }
}
