package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Steps run one at a time in order, whatever the earlier ones did, and pending counts them. */
class SerialQueueTest {

    @Test
    void aStepStartsOnlyAfterTheOneBeforeHasFinishedEvenWhenThatFailed() {
        SerialQueue queue = new SerialQueue();
        List<String> started = new ArrayList<>();
        Promise<String> first = Promise.promise();
        Promise<String> second = Promise.promise();
        Future<String> a = queue.enqueue(() -> {
            started.add("a");
            return first.future();
        });
        Future<String> b = queue.enqueue(() -> {
            started.add("b");
            return second.future();
        });
        Future<String> c = queue.enqueue(() -> {
            started.add("c");
            throw new IllegalStateException("c throws");
        });
        Future<String> d = queue.enqueue(() -> {
            started.add("d");
            return Future.succeededFuture("d");
        });
        assertEquals(List.of("a"), started, "only the first step runs while it is pending");
        assertEquals(4, queue.pending());

        second.complete("b"); // finishing out of order changes nothing: b has not started
        assertEquals(List.of("a"), started);

        first.fail("a failed");
        assertEquals(List.of("a", "b", "c", "d"), started, "a failure does not stop the queue");
        assertTrue(a.failed());
        assertEquals("b", b.result());
        assertEquals("c throws", c.cause().getMessage(), "a step that throws fails its own future");
        assertEquals("d", d.result());
        assertEquals(0, queue.pending());
    }

    @Test
    void pendingIsAlreadyDownWhenTheCallerHearsTheOutcome() {
        SerialQueue queue = new SerialQueue();
        Promise<Void> step = Promise.promise();
        List<Integer> seen = new ArrayList<>();
        queue.enqueue(step::future).onComplete(r -> seen.add(queue.pending()));
        queue.enqueue(() -> Future.succeededFuture()).onComplete(r -> seen.add(queue.pending()));
        step.complete();
        assertEquals(List.of(1, 0), seen, "a caller resuming a paused socket must see the count without its own step");
    }
}
