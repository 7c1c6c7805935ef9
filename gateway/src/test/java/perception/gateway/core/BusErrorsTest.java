package perception.gateway.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failures cross the bus as the ApiError their type maps to; the text of a message decides nothing. */
class BusErrorsTest {
    private Vertx vertx;

    /** A sense's own typed failure. */
    static final class GoneException extends IllegalStateException {
        GoneException(String message) {
            super(message);
        }
    }

    private static final BusErrors.Types TYPES = t -> t instanceof GoneException ? new ApiError(410, "invalid_request_error", "gone", t.getMessage(), null) : null;
    private static final BusErrors.Sense SENSE = new BusErrors.Sense("test", "test_not_loaded", "not loaded", "too slow");

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private ApiError across(Throwable thrown) throws Exception {
        vertx.eventBus().consumer("test.errors", msg -> BusErrors.reply(msg, Future.failedFuture(thrown), "test", TYPES))
                .completion().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            vertx.eventBus().request("test.errors", "x").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return SENSE.toApiError(e.getCause());
        }
        throw new AssertionError("the request succeeded");
    }

    @Test
    void aTypedFailureKeepsItsStatusAndCode() throws Exception {
        ApiError e = across(new GoneException("the session is gone"));
        assertEquals(410, e.status());
        assertEquals("gone", e.code());
        assertEquals("the session is gone", e.getMessage());
    }

    @Test
    void theSameTextWithoutTheTypeIsAnInternalError() throws Exception {
        ApiError e = across(new IllegalStateException("the session is closed"));
        assertEquals(500, e.status(), "no mapping by message text");
        assertEquals("internal_error", e.code());
    }

    @Test
    void badInputAndStoppingHaveTheirOwnStatus() throws Exception {
        assertEquals(400, across(new IllegalArgumentException("no")).status());
    }

    @Test
    void aStoppingSenseIsAServiceUnavailable() throws Exception {
        ApiError e = across(new BusErrors.StoppingException("test"));
        assertEquals(503, e.status());
        assertEquals("stopping", e.code());
    }
}
