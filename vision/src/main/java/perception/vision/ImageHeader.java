package perception.vision;

/**
 * Format and dimensions read from an image's header alone, so that a decompression bomb (a small
 * file that claims a huge canvas) is refused before any pixel buffer is allocated.
 */
public record ImageHeader(ImageFormat format, int width, int height) {

    public long pixels() {
        return (long) width * height;
    }

    /**
     * Reads the header. Throws {@link VisionException} UNSUPPORTED for bytes that are no known image
     * format, CORRUPT for a known format whose header is truncated or impossible.
     */
    public static ImageHeader read(byte[] b) {
        if (b.length == 0) throw new VisionException(VisionException.Reason.CORRUPT, "the image is empty (0 bytes): send a JPEG, PNG, WebP, BMP, GIF or TIFF file");
        ImageFormat format = sniff(b);
        if (format == null) {
            throw new VisionException(VisionException.Reason.UNSUPPORTED,
                    "not a supported image: send a JPEG, PNG, WebP, BMP, GIF or TIFF file");
        }
        try {
            ImageHeader h = switch (format) {
                case PNG -> new ImageHeader(format, be32(b, 16), be32(b, 20));
                case GIF -> new ImageHeader(format, le16(b, 6), le16(b, 8));
                case BMP -> bmp(b);
                case WEBP -> webp(b);
                case JPEG -> jpeg(b);
                case TIFF -> tiff(b);
            };
            if (h.width <= 0 || h.height <= 0) throw corrupt(format, "dimensions " + h.width + "x" + h.height);
            return h;
        } catch (ArrayIndexOutOfBoundsException e) {
            throw corrupt(format, "truncated header");
        }
    }

    static ImageFormat sniff(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return ImageFormat.PNG;
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) return ImageFormat.JPEG;
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) return ImageFormat.GIF;
        if (startsWith(b, 0, 'B', 'M')) return ImageFormat.BMP;
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) return ImageFormat.WEBP;
        if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)) return ImageFormat.TIFF;
        return null;
    }

    private static VisionException corrupt(ImageFormat f, String what) {
        return new VisionException(VisionException.Reason.CORRUPT, "corrupt " + f + " image (" + what + "): send a complete, valid file");
    }

    private static ImageHeader bmp(byte[] b) {
        int dib = le32(b, 14);
        if (dib == 12) return new ImageHeader(ImageFormat.BMP, le16(b, 18), le16(b, 20));
        return new ImageHeader(ImageFormat.BMP, le32(b, 18), Math.abs(le32(b, 22)));
    }

    private static ImageHeader webp(byte[] b) {
        if (startsWith(b, 12, 'V', 'P', '8', 'X')) {
            int w = 1 + (b[24] & 0xFF | (b[25] & 0xFF) << 8 | (b[26] & 0xFF) << 16);
            int h = 1 + (b[27] & 0xFF | (b[28] & 0xFF) << 8 | (b[29] & 0xFF) << 16);
            return new ImageHeader(ImageFormat.WEBP, w, h);
        }
        if (startsWith(b, 12, 'V', 'P', '8', 'L')) {
            long bits = (b[21] & 0xFFL) | (b[22] & 0xFFL) << 8 | (b[23] & 0xFFL) << 16 | (b[24] & 0xFFL) << 24;
            return new ImageHeader(ImageFormat.WEBP, (int) (bits & 0x3FFF) + 1, (int) ((bits >> 14) & 0x3FFF) + 1);
        }
        if (startsWith(b, 12, 'V', 'P', '8', ' ')) {
            return new ImageHeader(ImageFormat.WEBP, le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF);
        }
        throw corrupt(ImageFormat.WEBP, "no VP8/VP8L/VP8X chunk");
    }

    private static ImageHeader jpeg(byte[] b) {
        int i = 2;
        while (i + 9 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) throw corrupt(ImageFormat.JPEG, "bad marker at " + i);
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte
                i++;
                continue;
            }
            if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                i += 2;
                continue;
            }
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) return new ImageHeader(ImageFormat.JPEG, be16(b, i + 7), be16(b, i + 5));
            if (marker == 0xDA || marker == 0xD9) break; // scan data before any frame header
            int length = be16(b, i + 2);
            if (length < 2) throw corrupt(ImageFormat.JPEG, "segment length " + length);
            i += 2 + length;
        }
        throw corrupt(ImageFormat.JPEG, "no frame header (SOF)");
    }

    private static ImageHeader tiff(byte[] b) {
        boolean little = b[0] == 'I';
        long ifd = u32(b, 4, little);
        if (ifd < 8 || ifd + 2 > b.length) throw corrupt(ImageFormat.TIFF, "IFD offset " + ifd);
        int at = (int) ifd;
        int entries = u16(b, at, little);
        int w = -1, h = -1;
        for (int e = 0; e < entries; e++) {
            int p = at + 2 + e * 12;
            int tag = u16(b, p, little);
            int type = u16(b, p + 2, little);
            long value = type == 3 ? u16(b, p + 8, little) : u32(b, p + 8, little);
            if (tag == 256) w = (int) Math.min(Integer.MAX_VALUE, value);
            if (tag == 257) h = (int) Math.min(Integer.MAX_VALUE, value);
        }
        return new ImageHeader(ImageFormat.TIFF, w, h);
    }

    private static boolean startsWith(byte[] b, int at, int... sig) {
        if (b.length < at + sig.length) return false;
        for (int i = 0; i < sig.length; i++) if ((b[at + i] & 0xFF) != sig[i]) return false;
        return true;
    }

    private static int be16(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    private static int le16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static int le32(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | (b[i + 3] & 0xFF) << 24;
    }

    private static int u16(byte[] b, int i, boolean little) {
        return little ? le16(b, i) : be16(b, i);
    }

    private static long u32(byte[] b, int i, boolean little) {
        return (little ? le32(b, i) : be32(b, i)) & 0xFFFFFFFFL;
    }
}
