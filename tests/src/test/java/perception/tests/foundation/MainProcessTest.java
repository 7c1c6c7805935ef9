package perception.tests.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import perception.tests.TestGateway;

/**
 * The packaged gateway as a user runs it: java -jar, default models, /ready within 60 s,
 * a bad setting refused with a message, SIGTERM stops it gracefully.
 */
class MainProcessTest {
    static final Path JAR = Path.of("../gateway/target/perception-gateway.jar");

    final java.util.Map<Process, Thread> readers = new java.util.concurrent.ConcurrentHashMap<>();

    Process start(List<String> log, String... args) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "missing " + JAR.toAbsolutePath() + ": build it with mvn -B package");
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString(), "--models-dir", TestGateway.modelsDir().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> new BufferedReader(new InputStreamReader(p.getInputStream())).lines().forEach(log::add));
        reader.setDaemon(true);
        reader.start();
        readers.put(p, reader);
        return p;
    }

    @Test
    void startsWithDefaultModelsReadyWithin60sAndStopsOnSigterm() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> log = new CopyOnWriteArrayList<>();
        Process p = start(log, "--port", String.valueOf(port));
        HttpClient http = HttpClient.newHttpClient();
        long t0 = System.nanoTime();
        HttpResponse<String> ready = null;
        try {
            while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60)) {
                try {
                    ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
                    if (ready.statusCode() == 200) break;
                } catch (java.io.IOException notYetListening) {
                    // keep polling
                }
                Thread.sleep(250);
            }
            assertTrue(ready != null && ready.statusCode() == 200, "not ready within 60 s; log:\n" + String.join("\n", log));
            var ids = new JsonObject(ready.body()).getJsonArray("models").stream().map(o -> ((JsonObject) o).getString("id")).toList();
            assertTrue(ids.containsAll(List.of("vosk-en", "freetts-kevin16", "silero-vad", "yolox-nano", "blazeface", "ppocr-v4", "smollm2-135m")), ids.toString());
            System.out.printf("gateway ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            // the default chat model answers through the packaged jar's own llama.cpp library (SmolLM2-135M, greedy)
            String chat = new JsonObject().put("model", "smollm2-135m").put("max_tokens", 30).put("messages", new io.vertx.core.json.JsonArray()
                    .add(new JsonObject().put("role", "system").put("content", "You are a helpful assistant. Answer in one short sentence."))
                    .add(new JsonObject().put("role", "user").put("content", "What is the capital of France?"))).encode();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chat)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.body().contains("Paris"), answer.body());
        } finally {
            p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits after SIGTERM");
        readers.get(p).join(5000);
        assertTrue(log.stream().anyMatch(l -> l.contains("shutting down")), String.join("\n", log));
        assertTrue(log.stream().anyMatch(l -> l.contains("stopped")), String.join("\n", log));
    }

    @Test
    void aBadSettingStopsStartUpWithAMessage() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        Process p = start(log, "--port", "not-a-port");
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        readers.get(p).join(5000);
        assertTrue(log.stream().anyMatch(l -> l.contains("configuration error: port must be a whole number, got 'not-a-port': fix GATEWAY_PORT or --port")),
                String.join("\n", log));
    }
}
