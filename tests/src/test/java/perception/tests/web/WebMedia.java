package perception.tests.web;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import perception.speech.FreeTtsSynthesizer;

/**
 * Media the browser tests feed to chromium's fake devices and file picker, made here: a sentence
 * spoken by FreeTTS as a WAV (the fake microphone), a Y4M video of real photos (the fake camera),
 * and a photo with a sign whose place is known (the upload).
 */
final class WebMedia {
    /** The committed test photos of the vision module (sources in their SOURCES.md). */
    static final Path PHOTOS = Path.of("../vision/src/test/resources/perception/vision/photos");

    private WebMedia() {
    }

    /** PCM16 mono WAV of FreeTTS saying {@code text} at {@code rate}, with silence before and after. */
    static void spokenWav(String text, int rate, double silenceBefore, double silenceAfter, Path out) throws IOException {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        FreeTtsSynthesizer tts = FreeTtsSynthesizer.load(1);
        try {
            pcm.write(new byte[2 * (int) (rate * silenceBefore)]);
            tts.synthesize(text, rate, 1.0, chunk -> pcm.write(chunk, 0, chunk.length));
            pcm.write(new byte[2 * (int) (rate * silenceAfter)]);
        } finally {
            tts.close();
        }
        byte[] data = pcm.toByteArray();
        ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
        header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + data.length).put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1).putShort((short) 1)
                .putInt(rate).putInt(rate * 2).putShort((short) 2).putShort((short) 16)
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data.length);
        try (OutputStream o = Files.newOutputStream(out)) {
            o.write(header.array());
            o.write(data);
        }
    }

    /** A photo scaled to {@code width}×{@code height} (stretching if needed). */
    static BufferedImage photo(String name, int width, int height) throws IOException {
        BufferedImage src = ImageIO.read(PHOTOS.resolve(name).toFile());
        if (src == null) throw new IOException("cannot read test photo " + PHOTOS.resolve(name).toAbsolutePath());
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    /** Draws a white sign with black {@code text} at (x, y) of the given size; returns the sign's box {x, y, w, h}. */
    static int[] sign(BufferedImage image, String text, int x, int y, int fontSize) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, fontSize));
        int w = g.getFontMetrics().stringWidth(text) + fontSize;
        int h = (int) (fontSize * 1.6);
        g.setColor(Color.WHITE);
        g.fillRect(x, y, w, h);
        g.setColor(Color.BLACK);
        g.drawString(text, x + fontSize / 2, y + (int) (fontSize * 1.15));
        g.dispose();
        return new int[] {x, y, w, h};
    }

    static void jpeg(BufferedImage image, Path out) throws IOException {
        if (!ImageIO.write(image, "jpg", out.toFile())) throw new IOException("no JPEG writer");
    }

    /**
     * A YUV4MPEG2 (4:2:0) video for chromium's fake camera, which loops it: each image is shown for
     * {@code secondsEach} at {@code fps}, so the scene changes at known times.
     */
    static void y4m(Path out, int fps, double secondsEach, BufferedImage... images) throws IOException {
        int w = images[0].getWidth();
        int h = images[0].getHeight();
        try (OutputStream o = new java.io.BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
            o.write(("YUV4MPEG2 W" + w + " H" + h + " F" + fps + ":1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            for (BufferedImage image : images) {
                byte[] frame = i420(image);
                for (int i = 0; i < Math.round(fps * secondsEach); i++) {
                    o.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                    o.write(frame);
                }
            }
        }
    }

    /** RGB → planar Y, U, V (BT.601 full range, chroma averaged over 2×2 blocks). */
    private static byte[] i420(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int cw = w / 2;
        int ch = h / 2;
        byte[] out = new byte[w * h + 2 * cw * ch];
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < w * h; i++) {
            int r = (rgb[i] >> 16) & 0xff, g = (rgb[i] >> 8) & 0xff, b = rgb[i] & 0xff;
            out[i] = (byte) clamp(Math.round(0.299 * r + 0.587 * g + 0.114 * b));
        }
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                double u = 0, v = 0;
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int p = rgb[(2 * y + dy) * w + 2 * x + dx];
                        int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
                        u += -0.168736 * r - 0.331264 * g + 0.5 * b + 128;
                        v += 0.5 * r - 0.418688 * g - 0.081312 * b + 128;
                    }
                }
                out[w * h + y * cw + x] = (byte) clamp(Math.round(u / 4));
                out[w * h + cw * ch + y * cw + x] = (byte) clamp(Math.round(v / 4));
            }
        }
        return out;
    }

    private static long clamp(long v) {
        return Math.max(0, Math.min(255, v));
    }
}
