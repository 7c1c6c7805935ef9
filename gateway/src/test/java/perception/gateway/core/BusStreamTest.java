package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both ends of a streamed call on a real Vert.x event bus: pieces in order, the end, errors, and a lost listener. */
class BusStreamTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static final BusErrors.Sense SENSE = new BusErrors.Sense("test", "test_not_loaded", "the test sense is not loaded", "too slow");

    @Test
    void piecesArriveInOrderThenTheEnd() throws Exception {
        vertx.eventBus().<JsonObject>consumer("test.count", msg -> {
            msg.reply(new JsonObject().put("accepted", msg.body().getString("id")));
            BusStream.Emitter out = new BusStream.Emitter(vertx.eventBus(), msg.body(), () -> { });
            vertx.executeBlocking(() -> {
                for (int i = 0; i < msg.body().getInteger("n"); i++) out.piece(new JsonObject().put("i", i));
                return null;
            }).onComplete(r -> out.end(new JsonObject().put("count", msg.body().getInteger("n"))));
        }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        List<Integer> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<JsonObject> done = new CompletableFuture<>();
        CompletableFuture<JsonObject> accepted = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            BusStream call = BusStream.call(vertx, "test.count", "call-1", new JsonObject().put("n", 200), null,
                    p -> seen.add(((JsonObject) p).getInteger("i")));
            call.accepted().onSuccess(accepted::complete);
            call.result().onSuccess(done::complete).onFailure(done::completeExceptionally);
        });
        assertEquals(200, done.get(20, TimeUnit.SECONDS).getInteger("count"));
        assertEquals("call-1", accepted.get(1, TimeUnit.SECONDS).getString("accepted"), "the producer got the caller's id");
        assertEquals(200, seen.size(), "every piece arrived before the end");
        for (int i = 0; i < seen.size(); i++) assertEquals(i, seen.get(i), "pieces in order");
    }

    @Test
    void aListenerThatLeavesIsNoticedByTheProducerAndTheCancelAddressHearsTheId() throws Exception {
        CompletableFuture<Integer> lostAfter = new CompletableFuture<>();
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        vertx.eventBus().<String>consumer("test.endless.cancel", m -> cancelled.complete(m.body()));
        vertx.eventBus().<JsonObject>consumer("test.endless", msg -> {
            msg.reply(new JsonObject());
            BusStream.Emitter out = new BusStream.Emitter(vertx.eventBus(), msg.body(), () -> { });
            vertx.executeBlocking(() -> {
                // a producer that would run for ever: only the lost listener stops it (bounded at 60 s)
                for (int i = 0; i < 3000; i++) {
                    if (out.lost()) {
                        lostAfter.complete(i);
                        return null;
                    }
                    out.piece(new JsonObject().put("i", i));
                    Thread.sleep(20);
                }
                lostAfter.completeExceptionally(new AssertionError("the producer never noticed its listener left"));
                return null;
            });
        }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        CompletableFuture<Void> firstPiece = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            BusStream[] call = new BusStream[1];
            call[0] = BusStream.call(vertx, "test.endless", "call-2", new JsonObject(), "test.endless.cancel", p -> {
                if (!firstPiece.isDone()) {
                    firstPiece.complete(null);
                    call[0].cancel();
                }
            });
        });
        firstPiece.get(10, TimeUnit.SECONDS);
        int pieces = lostAfter.get(60, TimeUnit.SECONDS);
        assertTrue(pieces < 3000, "stopped after " + pieces + " pieces");
        assertEquals("call-2", cancelled.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aProducerErrorIsTheApiErrorItSent() throws Exception {
        vertx.eventBus().<JsonObject>consumer("test.fails", msg -> {
            msg.reply(new JsonObject());
            new BusStream.Emitter(vertx.eventBus(), msg.body(), () -> { }).fail(new ApiError(502, "upstream_error", "backend_down", "the backend is down", null));
        }).completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ApiError e = failure(call("test.fails"));
        assertEquals(502, e.status());
        assertEquals("backend_down", e.code());
        assertEquals("the backend is down", e.getMessage());
    }

    @Test
    void aRefusalAndAMissingProducerMapToTheSensesErrors() throws Exception {
        vertx.eventBus().<JsonObject>consumer("test.busy", msg -> BusErrors.fail(msg, ApiError.unavailable("busy", "the test workers are busy")))
                .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ApiError busy = SENSE.toApiError(rawFailure(call("test.busy")));
        assertEquals(503, busy.status());
        assertEquals("busy", busy.code());
        ApiError missing = SENSE.toApiError(rawFailure(call("test.nobody")));
        assertEquals(503, missing.status());
        assertEquals("test_not_loaded", missing.code());
    }

    private CompletableFuture<JsonObject> call(String address) {
        CompletableFuture<JsonObject> done = new CompletableFuture<>();
        vertx.runOnContext(v -> BusStream.call(vertx, address, "id", new JsonObject(), null, p -> { })
                .result().onSuccess(done::complete).onFailure(done::completeExceptionally));
        return done;
    }

    private static Throwable rawFailure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the call succeeded");
    }

    private static ApiError failure(CompletableFuture<?> f) throws Exception {
        Throwable t = rawFailure(f);
        assertTrue(t instanceof ApiError, "an ApiError, not " + t);
        return (ApiError) t;
    }

    @Test
    void aRefusalIsAReplyExceptionBeforeMapping() throws Exception {
        assertTrue(rawFailure(call("test.nobody")) instanceof ReplyException);
    }
}
