package perception.gateway.llm;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Files;
import perception.gateway.GatewayConfig;
import perception.gateway.GatewayContext;

/**
 * The brain: picks the chat backend from the configuration (remote OpenAI-compatible server, or
 * the embedded ONNX model when it has been fetched) and serves it on the bus.
 */
public final class LlmVerticle extends VerticleBase {
    private final GatewayContext context;

    public LlmVerticle(GatewayContext context) {
        this.context = context;
    }

    /** The backend this configuration selects: remote, embedded or none. */
    public static String backend(GatewayConfig config) {
        String b = config.llmBackend();
        if (!b.equals("auto")) return b;
        if (config.llmUrl() != null) return "remote";
        return Files.isDirectory(config.llmModelDir()) ? "embedded" : "none";
    }

    @Override
    public Future<?> start() {
        return Future.succeededFuture();
    }
}
