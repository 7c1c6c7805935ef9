package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import perception.gateway.core.GatewayConfig;

/** One setting, inference_threads, sizes both a pool and each ONNX Runtime session: their product stays within the cores. */
class ThreadBudgetTest {
    static final int CORES = Runtime.getRuntime().availableProcessors();

    @Test
    void poolThreadsTimesSessionThreadsFitTheCores() {
        for (int pool = 1; pool <= CORES; pool++) {
            GatewayConfig c = GatewayConfig.defaults().with("inference_threads", String.valueOf(pool));
            assertTrue(c.intraOpThreads() >= 1);
            assertTrue(pool * c.intraOpThreads() <= CORES, pool + " pool threads × " + c.intraOpThreads() + " ORT threads > " + CORES + " cores");
        }
        assertEquals(CORES, GatewayConfig.defaults().with("inference_threads", "1").intraOpThreads(), "one job at a time gets every core");
        assertEquals(1, GatewayConfig.defaults().with("inference_threads", String.valueOf(4 * CORES)).intraOpThreads(), "never below 1");
    }
}
