package perception.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.gateway.core.GatewayConfig;

/** /health, /ready, /metrics, /v1/models and errors, over a real HTTP socket. */
class SystemEndpointsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path emptyModels;

    private Gateway start(String... overrides) throws Exception {
        GatewayConfig config = GatewayConfig.defaults().with("port", "0", "speech", "false", "analyzers", "", "llm_backend", "none");
        return Gateway.start(config.with(overrides)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(Gateway g, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReadyModelsAndMetricsAnswer() throws Exception {
        Gateway g = start();
        try {
            g.loaded().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            var health = get(g, "/health");
            assertEquals(200, health.statusCode());
            assertEquals("ok", new JsonObject(health.body()).getString("status"));

            var ready = get(g, "/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("ready", new JsonObject(ready.body()).getString("status"));

            var models = new JsonObject(get(g, "/v1/models").body());
            assertEquals("list", models.getString("object"));

            var metrics = get(g, "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("vertx_http_server_requests_total{code=\"200\",method=\"GET\",route=\"/health\"}"), metrics.body());
            assertTrue(metrics.body().contains("jvm_memory_used_bytes"), "JVM metrics exported");
        } finally {
            g.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void readyIs503AndSaysHowToFetchWhenAModelIsMissing() throws Exception {
        Gateway g = start("speech", "true", "models_dir", emptyModels.toString());
        try {
            var loaded = g.loaded().toCompletionStage().toCompletableFuture();
            try {
                loaded.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                assertTrue(expected.getCause().getMessage().contains("run ./run-gateway models fetch"), expected.getCause().getMessage());
            }
            var ready = get(g, "/ready");
            assertEquals(503, ready.statusCode());
            JsonObject body = new JsonObject(ready.body());
            assertEquals("failed", body.getString("status"));
            String vosk = body.getJsonArray("models").stream().map(o -> (JsonObject) o)
                    .filter(m -> m.getString("id").equals("vosk-en")).findFirst().orElseThrow().getString("error");
            assertTrue(vosk.contains("model vosk-en missing at " + emptyModels.resolve("vosk-en") + ": run ./run-gateway models fetch vosk-en"), vosk);
            assertEquals(200, get(g, "/health").statusCode(), "liveness is independent of models");
        } finally {
            g.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void unknownRoutesAndOversizedBodiesGetOpenAiShapedErrors() throws Exception {
        Gateway g = start("max_body_mb", "1");
        try {
            var missing = get(g, "/v1/nothing");
            assertEquals(404, missing.statusCode());
            JsonObject error = new JsonObject(missing.body()).getJsonObject("error");
            assertEquals("not_found", error.getString("code"));
            assertEquals("invalid_request_error", error.getString("type"));
            assertTrue(error.getString("message").contains("/v1/nothing"));

            var big = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.port() + "/v1/nothing"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * 1024 * 1024])).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, big.statusCode());
            assertEquals("payload_too_large", new JsonObject(big.body()).getJsonObject("error").getString("code"));
            assertEquals(200, get(g, "/health").statusCode(), "server still fine afterwards");
        } finally {
            g.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
