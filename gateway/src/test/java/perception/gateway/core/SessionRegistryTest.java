package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sessions on a real event bus: messages in order, close once, idle ones reaped, all closed at stop. */
class SessionRegistryTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A session's state: what it was fed, and how often it was released. */
    static final class State {
        final List<String> fed = new CopyOnWriteArrayList<>();
        final AtomicInteger released = new AtomicInteger();
        final CompletableFuture<Void> releasedOnce = new CompletableFuture<>();
    }

    private SessionRegistry<State> registry(long idleMs) throws Exception {
        CompletableFuture<SessionRegistry<State>> made = new CompletableFuture<>();
        vertx.runOnContext(v -> made.complete(new SessionRegistry<>(vertx, "test.session.", idleMs,
                // each message is a trip to a worker of random length: order must hold anyway
                (s, m) -> vertx.executeBlocking(() -> {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5));
                    s.state().fed.add((String) m.body());
                    return s.state().fed.size();
                }, false).onSuccess(m::reply),
                state -> {
                    state.released.incrementAndGet();
                    state.releasedOnce.complete(null);
                    return Future.succeededFuture();
                })));
        return made.get(10, TimeUnit.SECONDS);
    }

    private String open(SessionRegistry<State> registry, State state) throws Exception {
        CompletableFuture<String> address = new CompletableFuture<>();
        vertx.runOnContext(v -> registry.open(state).onSuccess(address::complete).onFailure(address::completeExceptionally));
        return address.get(10, TimeUnit.SECONDS);
    }

    private Object request(String address, Object body) throws Exception {
        return vertx.eventBus().request(address, body).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).body();
    }

    @Test
    void messagesAreHandledInOrderAndCloseReleasesOnce() throws Exception {
        SessionRegistry<State> registry = registry(60_000);
        State state = new State();
        String address = open(registry, state);
        assertTrue(address.startsWith("test.session."), address);
        List<CompletableFuture<Object>> replies = new ArrayList<>();
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add("m" + i);
            replies.add(vertx.eventBus().request(address, "m" + i).map(m -> m.body()).toCompletionStage().toCompletableFuture());
        }
        for (CompletableFuture<Object> r : replies) r.get(20, TimeUnit.SECONDS);
        assertEquals(sent, state.fed, "handled in the order sent, although each went to a worker");

        assertEquals(new JsonObject().put("closed", true), request(address, new JsonObject().put("close", 1)));
        assertEquals(1, state.released.get());
        assertEquals(0, registry.size());
        assertEquals(ReplyFailure.NO_HANDLERS, failure(address).failureType(), "a closed session's address is gone");
    }

    @Test
    void anIdleSessionIsClosedAndABusyOneIsNot() throws Exception {
        SessionRegistry<State> registry = registry(300);
        State idle = new State();
        State busy = new State();
        String idleAddress = open(registry, idle);
        String busyAddress = open(registry, busy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!idle.releasedOnce.isDone() && System.nanoTime() < deadline) {
            request(busyAddress, "still here");
            Thread.sleep(50);
        }
        idle.releasedOnce.get(1, TimeUnit.SECONDS);
        assertEquals(0, busy.released.get(), "a session in use is kept");
        assertEquals(ReplyFailure.NO_HANDLERS, failure(idleAddress).failureType());

        CompletableFuture<Void> all = new CompletableFuture<>();
        vertx.runOnContext(v -> registry.closeAll().onComplete(r -> all.complete(null)));
        all.get(10, TimeUnit.SECONDS);
        assertEquals(1, busy.released.get(), "closeAll releases the rest");
        assertEquals(1, idle.released.get(), "and nothing twice");
    }

    private ReplyException failure(String address) throws Exception {
        try {
            request(address, "late");
        } catch (ExecutionException e) {
            return (ReplyException) e.getCause();
        }
        throw new AssertionError("the closed session answered");
    }
}
