package perception.tests.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static perception.tests.vision.VisionMedia.photo;
import static perception.tests.vision.VisionMedia.postMultipart;
import static perception.tests.vision.VisionMedia.postRaw;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.tests.TestGateway;

/** /v1/images/describe and /v1/videos/analyze through a real gateway on a real socket. */
class VisionEndToEndTest {
    static TestGateway gateway;
    static final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start("speech", "false", "llm_backend", "none", "max_body_mb", "2");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) gateway.close();
    }

    private static JsonObject box(JsonArray items, String key, String value) {
        for (Object o : items) {
            JsonObject j = (JsonObject) o;
            if (value.equals(j.getString(key))) return j.getJsonObject("box");
        }
        throw new AssertionError("no " + value + " in " + items.encode());
    }

    private static boolean contains(JsonObject box, double x, double y) {
        return x >= box.getDouble("x") && x <= box.getDouble("x") + box.getDouble("width")
                && y >= box.getDouble("y") && y <= box.getDouble("y") + box.getDouble("height");
    }

    @Test
    void describesAPhotoWithBoxesOnTheRightPixels() throws Exception {
        HttpResponse<String> r = postMultipart(http, gateway.url("/v1/images/describe"), "image", photo("dog.jpg"), "prompt", "what is this?");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals("analysis", body.getString("describer"));
        assertEquals(480, body.getInteger("width"));
        assertEquals(360, body.getInteger("height"));
        assertTrue(contains(box(body.getJsonArray("objects"), "label", "dog"), 140, 250), r.body());
        assertTrue(contains(box(body.getJsonArray("objects"), "label", "car"), 360, 80), r.body());
        assertTrue(body.getString("description").startsWith("A photo of") && body.getString("description").contains("dog"), body.getString("description"));
        assertTrue(body.getJsonObject("timings_ms").containsKey("objects") && body.getJsonObject("timings_ms").containsKey("decode"));
        assertTrue(body.containsKey("faces") && body.containsKey("text") && body.containsKey("scene"));
    }

    @Test
    void describesARawBodyWithChosenAnalyzers() throws Exception {
        HttpResponse<String> r = postRaw(http, gateway.url("/v1/images/describe?analyzers=faces"), "image/jpeg", photo("messi5.jpg"));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertTrue(contains(body.getJsonArray("faces").getJsonObject(0).getJsonObject("box"), 211, 100), r.body());
        assertEquals(6, body.getJsonArray("faces").getJsonObject(0).getJsonArray("keypoints").size());
        assertTrue(!body.containsKey("objects") && !body.containsKey("text"), "only faces ran: " + r.body());
    }

    private static void assertError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertEquals(code, error.getString("code"), r.body());
        assertTrue(error.getString("message").length() > 10 && error.getString("type") != null, r.body());
    }

    @Test
    void badImagesGetClearErrors() throws Exception {
        String url = gateway.url("/v1/images/describe");
        byte[] jpeg = photo("dog.jpg");
        assertError(postRaw(http, url, "image/jpeg", new byte[0]), 400, "invalid_image");
        assertError(postRaw(http, url, "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)), 400, "invalid_image");
        assertError(postRaw(http, url, "image/png", "definitely not a picture".getBytes()), 415, "unsupported_media_type");
        assertError(postRaw(http, url, "text/plain", jpeg), 415, "unsupported_media_type");
        assertError(postMultipart(http, url, "picture", jpeg), 400, "invalid_parameter");
        assertError(postMultipart(http, url, "image", jpeg, "analyzers", "objects,xray"), 400, "invalid_parameter");
        // A PNG whose header claims 100000 × 100000: refused before decoding.
        byte[] png = tinyPng();
        ByteBuffer.wrap(png).putInt(16, 100_000).putInt(20, 100_000);
        assertError(postRaw(http, url, "image/png", png), 413, "payload_too_large");
        assertError(postRaw(http, url, "image/jpeg", new byte[3 * 1024 * 1024]), 413, "payload_too_large");
    }

    static byte[] tinyPng() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    /** Corrupted photos over HTTP: every answer is 200 or a 4xx in the error shape, and the gateway keeps serving. */
    @Test
    void survivesCorruptedUploads() throws Exception {
        Random random = new Random(7);
        byte[][] seeds = {photo("dog.jpg"), tinyPng()};
        int ok = 0, refused = 0;
        for (int i = 0; i < 60; i++) {
            byte[] m = seeds[i % 2].clone();
            if (i % 3 == 0) m = Arrays.copyOf(m, 1 + random.nextInt(m.length));
            for (int k = 0; k < 1 + random.nextInt(12); k++) m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            HttpResponse<String> r = postRaw(http, gateway.url("/v1/images/describe?analyzers=objects"), "image/jpeg", m);
            if (r.statusCode() == 200) ok++;
            else {
                assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, r.statusCode() + " " + r.body());
                assertTrue(new JsonObject(r.body()).getJsonObject("error").getString("message") != null);
                refused++;
            }
        }
        // Both paths are exercised over HTTP: some mutants are still analysed, some refused.
        assertTrue(ok > 0 && refused > 0, "both outcomes: " + ok + " analysed, " + refused + " refused");
        HttpResponse<String> after = postRaw(http, gateway.url("/v1/images/describe?analyzers=objects"), "image/jpeg", photo("dog.jpg"));
        assertEquals(200, after.statusCode(), "still serving after " + refused + " refusals");
    }

    /** docs/api.md's /metrics row: the vision worker pool and the inference timer count the analyses done. */
    @Test
    void metricsCountTheAnalysesOnTheVisionPool() throws Exception {
        double before = inferenceCount(metrics());
        for (int i = 0; i < 2; i++) {
            assertEquals(200, postRaw(http, gateway.url("/v1/images/describe?analyzers=objects"), "image/jpeg", photo("dog.jpg")).statusCode());
        }
        String after = metrics();
        assertEquals(before + 2, inferenceCount(after), 0.0, "perception_inference_seconds_count{model=\"vision\"} counts each analysis");
        assertTrue(after.lines().anyMatch(l -> l.startsWith("vertx_pool_queue_pending") && l.contains("\"vision\"")),
                "the vision worker pool in /metrics: " + after.lines().filter(l -> l.startsWith("vertx_pool")).toList());
    }

    private static String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway.url("/metrics"))).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double inferenceCount(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("perception_inference_seconds_count{") && l.contains("model=\"vision\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void analysesAVideoAndFindsTheSceneCut() throws Exception {
        Path mp4 = dir.resolve("cut.mp4");
        VisionMedia.cutVideo(mp4, 10, 4, 2.0);
        HttpResponse<String> r = postMultipart(http, gateway.url("/v1/videos/analyze"), "video", Files.readAllBytes(mp4), "fps", "2");
        assertEquals(200, r.statusCode(), r.body());
        JsonObject body = new JsonObject(r.body());
        assertEquals(8, body.getJsonArray("frames").size(), r.body());
        JsonArray changes = body.getJsonArray("scene_changes");
        assertEquals(1, changes.size(), r.body());
        assertEquals(2.0, changes.getJsonObject(0).getDouble("time_s"), 0.11);
        JsonObject atCut = body.getJsonArray("frames").getJsonObject(4);
        assertTrue(atCut.getBoolean("scene_changed"), atCut.encode());
        assertTrue(body.getString("summary").contains("1 scene change"), body.getString("summary"));
    }

    @Test
    void badVideosGetClearErrors() throws Exception {
        String url = gateway.url("/v1/videos/analyze");
        assertError(postMultipart(http, url, "video", "no pictures in here, just text".repeat(50).getBytes(), "fps", "1"), 415, "unsupported_media_type");
        assertError(postMultipart(http, url, "video", new byte[0]), 400, "invalid_video");
        assertError(postMultipart(http, url, "clip", new byte[10]), 400, "invalid_parameter");
        assertError(postMultipart(http, url, "video", new byte[10], "fps", "fast"), 400, "invalid_parameter");
        assertError(postRaw(http, url, "video/mp4", new byte[100]), 415, "unsupported_media_type");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/video"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, get.statusCode(), get.body());
    }
}
