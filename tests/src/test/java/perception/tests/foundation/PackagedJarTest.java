package perception.tests.foundation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import perception.speech.Audio;
import perception.speech.WordErrorRate;
import perception.tests.realtime.RealtimeClient;
import perception.tests.realtime.SpokenTestModel;
import perception.tests.speech.SpeechClient;
import perception.tests.speech.SpeechFixtures;
import perception.tests.vision.VisionMedia;

/**
 * Every sense through the packaged jar started with {@code java -jar}: whatever the shade filters
 * leave out of the product must not be something one of these paths loads (Vosk and JNA, FreeTTS,
 * FFmpeg for compressed audio and video, OpenCV for images, ONNX Runtime for the vision models and
 * Silero VAD, the HF tokenizers native and ONNX Runtime for the embedded LLM). A wrongly dropped
 * library fails here with the gateway's log, not on a user's machine.
 */
class PackagedJarTest {
    static final long MAX_JAR_BYTES = 100_000_000L; // issue 15: "≤ 100 MB"
    static final String SENTENCE = "Please send me the report before the meeting tomorrow morning.";
    static PackagedGateway gateway;
    static SpeechClient speech;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        // the embedded LLM: a real ONNX decoder and tokenizer.json written by the test (never shipped in the jar)
        Path llm = SpokenTestModel.write(Files.createTempDirectory("packaged-llm"));
        gateway = PackagedGateway.start(List.of(), Map.of(), "--llm-backend", "embedded", "--llm-model-dir", llm.toString());
        speech = new SpeechClient(gateway.port);
        System.out.printf("packaged gateway ready in %.1f s%n", gateway.readySeconds);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway == null) return;
        System.out.println("native libraries mapped by the packaged gateway:");
        gateway.mappedLibraries().forEach(l -> System.out.println("  " + l));
        gateway.close();
    }

    @Test
    void theJarIsSmallAndHoldsOnlyLinuxNatives() throws Exception {
        long size = Files.size(PackagedGateway.jar());
        assertTrue(size <= MAX_JAR_BYTES, "the product jar is " + size / 1_000_000 + " MB, over the 100 MB budget; see docs/operations.md, 'Size and memory'");
        List<String> foreign = new ArrayList<>();
        try (ZipFile zip = new ZipFile(PackagedGateway.jar().toFile())) {
            zip.stream().map(e -> e.getName()).filter(n -> n.contains(".dSYM/") || n.endsWith(".dll") || n.endsWith(".dylib")
                    || n.endsWith(".jnilib") || n.contains("/python/") || n.matches(".*(aarch64|arm64|armel|linux-arm|ppc|s390|mips|sunos|bsd|aix|win32|darwin|osx).*\\.(so|a)(\\.[0-9.]+)?"))
                    .forEach(foreign::add);
        }
        assertTrue(foreign.isEmpty(), "natives for another platform, debug symbols or bindings in the jar: " + foreign.subList(0, Math.min(20, foreign.size())));
    }

    @Test
    void transcribesAGeneratedWavAndCompressedRecordings() throws Exception {
        String said = "The quick brown fox jumps over the lazy dog.";
        byte[] wav = SpeechClient.wav(SpeechFixtures.speak(said, 16000), 16000);
        String heard = gateway.json(speech.transcribe(wav)).getString("text");
        assertTrue(WordErrorRate.of(said, heard) <= 0.25, "WAV heard as: " + heard);
        // WebM/Opus and Ogg/Opus go through FFmpeg (libavformat, libavcodec, libswresample) inside the jar
        for (String file : List.of("sentence.webm", "sentence.opus.ogg", "sentence.mp3")) {
            byte[] media = Files.readAllBytes(Path.of("../speech/src/test/resources/media", file));
            var r = speech.transcribe(media, file, Map.of("model", List.of("whisper-1")));
            String text = gateway.json(r).getString("text");
            assertTrue(WordErrorRate.of(SENTENCE, text) <= 0.1, file + " heard as: " + text);
        }
    }

    @Test
    void synthesizesSpeechThatTranscribesBack() throws Exception {
        String sentence = "Please close the window because it is cold outside.";
        HttpResponse<byte[]> r = speech.speech(new JsonObject().put("model", "tts-1").put("voice", "alloy")
                .put("input", sentence).put("response_format", "pcm").encode());
        assertEquals(200, r.statusCode(), new String(r.body()) + "\ngateway log:\n" + gateway.output());
        assertTrue(r.body().length > 24000 * 2, "at least a second of 24 kHz speech: " + r.body().length + " bytes");
        String heard = gateway.json(speech.transcribe(SpeechClient.wav(r.body(), 24000))).getString("text");
        // Piper (the default voice) through the small Vosk model: "please" is heard as "police" and "it is" as
        // "of this" in most renderings, so 3 of the 9 words may be misheard
        assertTrue(WordErrorRate.of(sentence, heard) <= 0.34, "synthesized speech heard as: " + heard);
    }

    /** messi5.jpg (people, a face) above a white strip with a printed sign: objects, faces, OCR and scene in one request. */
    @Test
    void describesAPhotoWithObjectsFacesAndText() throws Exception {
        BufferedImage photo = ImageIO.read(Path.of("../vision/src/test/resources/perception/vision/photos/messi5.jpg").toFile());
        BufferedImage canvas = new BufferedImage(photo.getWidth(), photo.getHeight() + 120, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.drawImage(photo, 0, 0, null);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 56));
        g.drawString("EXIT", 40, photo.getHeight() + 80);
        g.dispose();
        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(canvas, "jpg", jpeg));

        var r = VisionMedia.postRaw(HTTP, gateway.url("/v1/images/describe"), "image/jpeg", jpeg.toByteArray());
        JsonObject body = gateway.json(r);
        assertTrue(labels(body.getJsonArray("objects"), "label").contains("person"), "objects: " + body.getJsonArray("objects"));
        assertTrue(!body.getJsonArray("faces").isEmpty(), "faces: " + r.body());
        assertTrue(labels(body.getJsonArray("text"), "text").stream().anyMatch(t -> t.toUpperCase(Locale.ROOT).contains("EXIT")),
                "the sign was not read: " + body.getJsonArray("text"));
        assertTrue(body.containsKey("scene") && body.getString("description").startsWith("A photo of"), r.body());
    }

    @Test
    void analyzesAVideoAndFindsTheSceneCut() throws Exception {
        Path mp4 = Files.createTempFile("packaged-cut", ".mp4");
        try {
            VisionMedia.cutVideo(mp4, 10, 4, 2.0);
            JsonObject body = gateway.json(VisionMedia.postMultipart(HTTP, gateway.url("/v1/videos/analyze"), "video", Files.readAllBytes(mp4), "fps", "2"));
            assertEquals(8, body.getJsonArray("frames").size(), body.encode());
            assertEquals(1, body.getJsonArray("scene_changes").size(), body.encode());
        } finally {
            Files.deleteIfExists(mp4);
        }
    }

    @Test
    void answersAChatCompletionWithTheEmbeddedModel() throws Exception {
        String request = new JsonObject().put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "What will the weather be like tomorrow?"))).encode();
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/chat/completions"))).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body = gateway.json(r);
        assertEquals(SpokenTestModel.ANSWER, body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"));
    }

    /** A spoken turn on /v1/realtime: Silero VAD finds the speech, Vosk hears it, the LLM answers, FreeTTS speaks. */
    @Test
    void aSpokenRealtimeTurnIsHeardAnsweredAndSpoken() throws Exception {
        String question = "What will the weather be like tomorrow?";
        float[] speechAt16k = Audio.fromPcm16le(SpeechFixtures.speak(question, 16000), 16000).samples();
        float[] withSilence = new float[(int) (0.6 * 16000) + speechAt16k.length + (int) (1.5 * 16000)];
        System.arraycopy(speechAt16k, 0, withSilence, (int) (0.6 * 16000), speechAt16k.length);
        try (RealtimeClient c = new RealtimeClient(gateway.port)) {
            c.await("session.created", 10_000);
            c.speak(withSilence);
            List<JsonObject> seen = new ArrayList<>();
            JsonObject done = c.await(e -> seen.add(e) && "response.done".equals(e.getString("type")), 60_000);
            assertEquals("completed", done.getJsonObject("response").getString("status"), done.encode());
            List<String> types = seen.stream().map(e -> e.getString("type")).toList();
            assertTrue(types.contains("input_audio_buffer.speech_started") && types.contains("input_audio_buffer.speech_stopped"), "VAD events: " + types);
            String transcript = seen.stream().filter(e -> "conversation.item.input_audio_transcription.completed".equals(e.getString("type")))
                    .findFirst().orElseThrow(() -> new AssertionError("no transcript: " + types)).getString("transcript");
            assertTrue(WordErrorRate.of(question, transcript) <= 0.25, "heard: " + transcript);
            int audioBytes = seen.stream().filter(e -> "response.output_audio.delta".equals(e.getString("type")))
                    .mapToInt(e -> Base64.getDecoder().decode(e.getString("delta")).length).sum();
            assertTrue(audioBytes > 24000 * 2, "the answer is spoken (" + audioBytes + " bytes of 24 kHz PCM)");
        }
    }

    /** The protobuf exposition format is left out of the jar: a scraper asking for it gets the text format. */
    @Test
    void servesMetricsAsTextEvenToAProtobufScraper() throws Exception {
        var r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url("/metrics")))
                .header("accept", "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.7,text/plain;version=0.0.4;q=0.3")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body() + "\n" + gateway.output());
        assertTrue(r.body().contains("# TYPE jvm_memory_used_bytes gauge"), r.body());
    }

    /**
     * The features are found by scanning the jar's own entries (no list): every sense above answered,
     * and the web page, mounted last, is served while an unknown API path still gets the JSON 404.
     */
    @Test
    void servesThePageFoundByTheFeatureScanAndStill404sUnknownPaths() throws Exception {
        var page = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url("/"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode(), page.body() + "\n" + gateway.output());
        assertTrue(String.valueOf(page.headers().firstValue("content-type").orElse("")).startsWith("text/html"), page.headers().toString());
        var missing = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/nothing-here"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode(), missing.body());
        assertTrue(missing.body().contains("\"error\""), missing.body());
    }

    static List<String> labels(JsonArray items, String key) {
        return items == null ? List.of() : items.stream().map(JsonObject.class::cast).map(o -> o.getString(key, "")).toList();
    }
}
