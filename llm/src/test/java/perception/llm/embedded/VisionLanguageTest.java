package perception.llm.embedded;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import perception.llm.ChatMessage;
import perception.llm.ChatMessage.Role;
import perception.llm.ContentPart;
import perception.llm.onnx.testmodel.Reference;
import perception.llm.onnx.testmodel.TestModelFolder;

/** The SmolVLM-style trio: preprocessing, image-token expansion and feature splicing, checked by the tiny VLM's answer. */
class VisionLanguageTest {
    @TempDir
    static Path dir;
    static EmbeddedChatModel model;
    static long imageToken;

    @BeforeAll
    static void load() throws Exception {
        model = EmbeddedChatModel.load(TestModelFolder.write(dir.resolve("vlm"), TestModelFolder.Kind.VLM), new EmbeddedChatModel.Options(1, true));
        imageToken = model.tokenizer().tokenId("<image>").orElseThrow();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static byte[] quadrants(int size) throws Exception {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, size);
        g.setColor(Color.BLACK);
        g.fillRect(0, 0, size / 2, size / 2);
        g.fillRect(size / 2, size / 2, size / 2, size / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static List<ChatMessage> ask(byte[] image) {
        return List.of(new ChatMessage(Role.USER, List.of(new ContentPart.Image(image, "image/png"), new ContentPart.Text("What is this?"))));
    }

    @Test
    void promptIsExpandedAsIdefics3ProcessorDoes() throws Exception {
        EmbeddedChatModel.Prompt p = model.prompt(ask(quadrants(64)), 1_000_000);
        // 64x64 → longest edge 64 → 2x2 tiles of 32 plus the global view; 4 feature rows each
        ImageProcessor.Frames f = p.images().get(0);
        assertEquals(2, f.rows());
        assertEquals(2, f.cols());
        assertEquals(5, f.count());
        String images = "<image>".repeat(TestModelFolder.VLM_ROWS);
        assertEquals("<|im_start|>User:"
                + "<fake_token_around_image><row_1_col_1>" + images + "<fake_token_around_image><row_1_col_2>" + images + "\n"
                + "<fake_token_around_image><row_2_col_1>" + images + "<fake_token_around_image><row_2_col_2>" + images + "\n"
                + "\n<fake_token_around_image><global-img>" + images + "<fake_token_around_image>"
                + "What is this?<end_of_utterance>\nAssistant:", p.text());
        assertEquals(20, Arrays.stream(p.ids()).filter(id -> id == imageToken).count());
        // top-left tile is black, normalised to -1
        assertEquals(-1f, f.pixels()[0]);
        assertEquals(1f, f.pixels()[3 * 32 * 32]); // second tile (top right) is white
    }

    @Test
    void featuresAreSplicedAtTheImageTokenPositions() throws Exception {
        EmbeddedChatModel.Prompt p = model.prompt(ask(quadrants(64)), 1_000_000);
        double[] scalars = scalars(p, 0);
        long[] actual = model.generateIds(p, 6);
        long[] want = referenceFrom(scalars, 6);
        assertArrayEquals(want, actual);
        // the same features spliced one position later would give another answer: the test can tell
        assertFalse(Arrays.equals(referenceFrom(scalars(p, 1), 6), actual));
    }

    @Test
    void textOnlyPromptOnTheVlmHasNoImageTokens() throws Exception {
        EmbeddedChatModel.Prompt p = model.prompt(List.of(ChatMessage.text(Role.USER, "hi")), 1_000_000);
        assertEquals("<|im_start|>User: hi<end_of_utterance>\nAssistant:", p.text());
        assertArrayEquals(referenceFrom(Arrays.stream(p.ids()).asDoubleStream().toArray(), 4), model.generateIds(p, 4));
    }

    @Test
    void garbageImageIsRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.prompt(ask(new byte[] {1, 2, 3, 4}), 1_000_000));
        assertTrue(e.getMessage().contains("PNG"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> model.prompt(ask(quadrants(200)), 10_000));
    }

    /** Scalars the decoder sees: token ids, with image tokens replaced by feature values (shifted by `shift` positions). */
    static double[] scalars(EmbeddedChatModel.Prompt p, int shift) {
        long[] ids = p.ids();
        ImageProcessor.Frames f = p.images().get(0);
        List<Double> features = new ArrayList<>();
        int plane = 3 * f.tile() * f.tile();
        for (int n = 0; n < f.count(); n++) {
            double mean = 0;
            for (int i = 0; i < plane; i++) mean += f.pixels()[n * plane + i];
            mean /= plane;
            for (int k = 0; k < TestModelFolder.VLM_ROWS; k++) features.add(Reference.featureScalar(n, k, TestModelFolder.VLM_ROWS, mean, 1.0));
        }
        double[] s = new double[ids.length];
        int row = 0;
        for (int i = 0; i < ids.length; i++) s[i] = ids[i];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == imageToken) s[Math.min(ids.length - 1, i + shift)] = features.get(row++);
        }
        return s;
    }

    static long[] referenceFrom(double[] prompt, int n) {
        double[] seq = Arrays.copyOf(prompt, prompt.length + n);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = Reference.checksumNext(Arrays.copyOf(seq, prompt.length + i), TestModelFolder.CHECKSUM_BASE, TestModelFolder.CHECKSUM_MODULUS);
            seq[prompt.length + i] = out[i];
        }
        return out;
    }
}
