package perception.tests.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.Cancellation;
import perception.llm.ChatMessage;
import perception.llm.ChatRequest;
import perception.llm.ContentPart;
import perception.llm.embedded.EmbeddedChatModel;
import perception.llm.onnx.testmodel.TestModelFolder;
import perception.tests.TestGateway;

/**
 * Images through /v1/chat/completions: A runs the tiny SmolVLM-style trio (whose answer depends on
 * where the image features land), B forwards images as data URLs to A (llm_vision=true).
 */
class VisionChatTest {
    @TempDir
    static Path dir;
    static Path modelDir;
    static TestGateway a;
    static TestGateway b;

    @BeforeAll
    static void start() throws Exception {
        modelDir = TestModelFolder.write(dir.resolve("tiny-vlm"), TestModelFolder.Kind.VLM);
        a = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "embedded", "llm_model_dir", modelDir.toString());
        b = TestGateway.start("speech", "false", "analyzers", "", "llm_backend", "remote", "llm_url", a.url("/v1"), "llm_vision", "true");
    }

    @AfterAll
    static void stop() throws Exception {
        if (a != null) a.close();
        if (b != null) b.close();
    }

    static byte[] png(Color left, Color right) throws Exception {
        BufferedImage img = new BufferedImage(96, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(left);
        g.fillRect(0, 0, 48, 64);
        g.setColor(right);
        g.fillRect(48, 0, 48, 64);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static JsonObject request(byte[] image) {
        JsonArray content = new JsonArray().add(new JsonObject().put("type", "image_url")
                        .put("image_url", new JsonObject().put("url", "data:image/png;base64," + Base64.getEncoder().encodeToString(image))))
                .add(new JsonObject().put("type", "text").put("text", "What is in this picture?"));
        return new JsonObject().put("max_tokens", 12).put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
    }

    @Test
    void imageAnswersMatchTheLibraryAndSurviveTheChain() throws Exception {
        byte[] image = png(Color.BLACK, Color.WHITE);
        String expected;
        try (EmbeddedChatModel model = EmbeddedChatModel.load(modelDir, new EmbeddedChatModel.Options(1, true))) {
            expected = model.chat(ChatRequest.of(List.of(new ChatMessage(ChatMessage.Role.USER, List.of(new ContentPart.Image(image, "image/png"),
                    new ContentPart.Text("What is in this picture?")))), 12), t -> { }, new Cancellation()).text();
        }
        JsonObject req = request(image);
        assertEquals(expected, ChainedGatewaysTest.answer(a, req));
        assertEquals(expected, ChainedGatewaysTest.streamed(a, req));
        assertEquals(expected, ChainedGatewaysTest.answer(b, req));
        assertEquals(expected, ChainedGatewaysTest.streamed(b, req));
        // other pictures, other answers: the pixels reach the model (the tiny model's answer is a
        // checksum mod 26, so any two pictures may collide; four distinct ones may not all)
        java.util.Set<String> answers = new java.util.HashSet<>(List.of(expected));
        for (Color[] c : new Color[][] {{Color.WHITE, Color.WHITE}, {Color.BLACK, Color.BLACK}, {Color.RED, Color.BLUE}}) {
            answers.add(ChainedGatewaysTest.answer(a, request(png(c[0], c[1]))));
        }
        assertNotEquals(1, answers.size());
    }

    @Test
    void undecodableImageIsA400() throws Exception {
        JsonObject req = request(new byte[] {'n', 'o', 'p', 'e'});
        ChainedGatewaysTest.assertError(ChainedGatewaysTest.post(a, req.encode()), 400, "invalid_request");
        ChainedGatewaysTest.assertError(ChainedGatewaysTest.post(b, req.encode()), 400, "upstream_rejected");
        assertEquals(200, ChainedGatewaysTest.post(a, request(png(Color.RED, Color.BLUE)).encode()).statusCode());
    }
}
