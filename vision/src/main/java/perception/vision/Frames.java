package perception.vision;

import java.awt.image.BufferedImage;

/** Conversions between {@link Frame} and Java2D images (tests and GIF decoding use them). */
public final class Frames {
    private Frames() {
    }

    public static Frame fromBufferedImage(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] bgr = new byte[w * h * 3];
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            bgr[i * 3] = (byte) p;
            bgr[i * 3 + 1] = (byte) (p >> 8);
            bgr[i * 3 + 2] = (byte) (p >> 16);
        }
        return new Frame(w, h, bgr);
    }

    public static BufferedImage toBufferedImage(Frame f) {
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        int[] rgb = new int[f.width() * f.height()];
        byte[] b = f.bgr();
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (b[i * 3 + 2] & 0xFF) << 16 | (b[i * 3 + 1] & 0xFF) << 8 | (b[i * 3] & 0xFF);
        }
        img.setRGB(0, 0, f.width(), f.height(), rgb, 0, f.width());
        return img;
    }
}
