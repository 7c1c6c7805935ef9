package perception.llm.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Idefics3 / SmolVLM image preprocessing from preprocessor_config.json: resize so the longest edge
 * is {@code size.longest_edge}; with {@code do_image_splitting} resize up to multiples of
 * {@code max_image_size.longest_edge} and cut row-major tiles plus a global view (last), otherwise
 * one frame; rescale and normalise to CHW floats. Resampling uses Java2D bicubic where Hugging Face
 * uses Lanczos, so pixels are close to, not identical with, transformers'.
 */
public final class ImageProcessor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int longestEdge;
    private final int tile;
    private final boolean split;
    private final double rescale;
    private final double[] mean;
    private final double[] std;
    private final boolean normalize;

    /** Preprocessed frames of one image: {@code pixels} is [count, 3, tile, tile]; rows/cols 0 when not split. */
    public record Frames(float[] pixels, int count, int rows, int cols, int tile) {
    }

    public ImageProcessor(int longestEdge, int tile, boolean split, double rescale, double[] mean, double[] std, boolean normalize) {
        this.longestEdge = longestEdge;
        this.tile = tile;
        this.split = split;
        this.rescale = rescale;
        this.mean = mean;
        this.std = std;
        this.normalize = normalize;
    }

    public static ImageProcessor load(Path dir) throws IOException {
        JsonNode c = JSON.readTree(dir.resolve("preprocessor_config.json").toFile());
        int tile = c.path("max_image_size").path("longest_edge").asInt(512);
        int longest = c.path("size").path("longest_edge").asInt(tile * 4);
        boolean resize = c.path("do_resize").asBoolean(true);
        return new ImageProcessor(resize ? longest : -1, tile, c.path("do_image_splitting").asBoolean(true),
                c.path("do_rescale").asBoolean(true) ? c.path("rescale_factor").asDouble(1 / 255.0) : 1.0,
                triple(c.get("image_mean"), 0.5), triple(c.get("image_std"), 0.5), c.path("do_normalize").asBoolean(true));
    }

    private static double[] triple(JsonNode n, double fallback) {
        if (n == null || !n.isArray()) return new double[] {fallback, fallback, fallback};
        return new double[] {n.get(0).asDouble(), n.get(1).asDouble(), n.get(2).asDouble()};
    }

    /** Decodes PNG/JPEG/GIF/BMP bytes, refusing images above maxPixels before decoding them. */
    public static BufferedImage decode(byte[] bytes, long maxPixels) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IllegalArgumentException("image is not a PNG, JPEG, GIF or BMP file");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new IllegalArgumentException("image is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + ", above the limit of " + maxPixels + " pixels; send a smaller image");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("image could not be decoded: " + e.getMessage());
        }
    }

    public Frames process(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        if (longestEdge > 0) {
            double scale = (double) longestEdge / Math.max(w, h);
            int nw = w >= h ? longestEdge : Math.max(1, (int) Math.floor(w * scale));
            int nh = h > w ? longestEdge : Math.max(1, (int) Math.floor(h * scale));
            image = resize(image, nw, nh);
            w = nw;
            h = nh;
        }
        List<BufferedImage> frames = new ArrayList<>();
        int rows = 0, cols = 0;
        if (split) {
            double aspect = (double) w / h;
            int tw, th;
            if (w >= h) {
                tw = ceilTo(w);
                th = ceilTo((int) Math.floor(tw / aspect));
            } else {
                th = ceilTo(h);
                tw = ceilTo((int) Math.floor(th * aspect));
            }
            BufferedImage big = resize(image, tw, th);
            if (th > tile || tw > tile) {
                rows = (th + tile - 1) / tile;
                cols = (tw + tile - 1) / tile;
                int ph = (th + rows - 1) / rows, pw = (tw + cols - 1) / cols;
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        int y = Math.min(r * ph, th - ph), x = Math.min(c * pw, tw - pw);
                        frames.add(resize(big.getSubimage(x, y, pw, ph), tile, tile));
                    }
                }
                frames.add(resize(image, tile, tile));
            } else {
                frames.add(resize(big, tile, tile));
            }
        } else {
            frames.add(resize(image, tile, tile));
        }
        float[] pixels = new float[frames.size() * 3 * tile * tile];
        int plane = tile * tile;
        for (int f = 0; f < frames.size(); f++) {
            BufferedImage frame = frames.get(f);
            int base = f * 3 * plane;
            for (int y = 0; y < tile; y++) {
                for (int x = 0; x < tile; x++) {
                    int rgb = frame.getRGB(x, y);
                    int[] ch = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
                    for (int c = 0; c < 3; c++) {
                        double v = ch[c] * rescale;
                        if (normalize) v = (v - mean[c]) / std[c];
                        pixels[base + c * plane + y * tile + x] = (float) v;
                    }
                }
            }
        }
        return new Frames(pixels, frames.size(), rows, cols, tile);
    }

    private int ceilTo(int v) {
        return Math.max(tile, (v + tile - 1) / tile * tile);
    }

    private static BufferedImage resize(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The text that replaces one {@code <image>} in the prompt, as Idefics3Processor expands it. */
    public static String expandImageToken(Frames frames, int imageSeqLen) {
        String images = "<image>".repeat(imageSeqLen);
        StringBuilder b = new StringBuilder();
        if (frames.rows() == 0 && frames.cols() == 0) {
            return b.append("<fake_token_around_image><global-img>").append(images).append("<fake_token_around_image>").toString();
        }
        for (int r = 1; r <= frames.rows(); r++) {
            for (int c = 1; c <= frames.cols(); c++) {
                b.append("<fake_token_around_image><row_").append(r).append("_col_").append(c).append('>').append(images);
            }
            b.append('\n');
        }
        return b.append("\n<fake_token_around_image><global-img>").append(images).append("<fake_token_around_image>").toString();
    }

    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve("preprocessor_config.json"));
    }
}
