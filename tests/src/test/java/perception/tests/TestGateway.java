package perception.tests;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import perception.gateway.Gateway;
import perception.gateway.core.GatewayConfig;

/**
 * Starts a real gateway on a free port of the loopback interface, with the models fetched by the
 * build, for end-to-end tests: {@code TestGateway gw = TestGateway.start("analyzers", "");}.
 */
public final class TestGateway implements AutoCloseable {
    private final Gateway gateway;

    private TestGateway(Gateway gateway) {
        this.gateway = gateway;
    }

    /** The models folder the build fetched into (see the root pom); fails with how to get it. */
    public static Path modelsDir() {
        Path dir = Path.of(System.getProperty("gateway.models.dir", "../models"));
        if (!Files.isDirectory(dir.resolve("vosk-en"))) {
            throw new IllegalStateException("models missing in " + dir.toAbsolutePath()
                    + ": run ./run-gateway models fetch (or mvn -B verify, which fetches them)");
        }
        return dir;
    }

    /**
     * Starts with defaults, port 0 and the fetched models, plus the given key/value overrides; waits until loaded.
     * A test that names no LLM setting runs without a language model (the built-in assistant alone), as
     * before the default GGUF model was fetched: tests of the real model ask for it ({@link #withDefaultLlm}).
     */
    public static TestGateway start(String... overrides) throws Exception {
        boolean namesLlm = false;
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            if (java.util.List.of("llm_backend", "llm_url", "llm_model_dir", "llm_model_file").contains(overrides[i])) namesLlm = true;
        }
        GatewayConfig config = GatewayConfig.defaults().with("port", "0", "host", "127.0.0.1",
                "models_dir", modelsDir().toString());
        if (!namesLlm) config = config.with("llm_backend", "none");
        if (overrides.length > 0) config = config.with(overrides);
        Gateway gateway = Gateway.start(config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        gateway.loaded().toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        return new TestGateway(gateway);
    }

    /** The settings for the default GGUF chat model (smollm2-135m, fetched by the build), with the given overrides. */
    public static String[] withDefaultLlm(String... overrides) {
        String[] all = java.util.Arrays.copyOf(new String[] {"llm_backend", "gguf"}, 2 + overrides.length);
        System.arraycopy(overrides, 0, all, 2, overrides.length);
        return all;
    }

    public Gateway gateway() {
        return gateway;
    }

    public int port() {
        return gateway.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() throws Exception {
        gateway.stop().toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    }
}
