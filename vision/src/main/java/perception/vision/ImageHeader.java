package perception.vision;

/**
 * Format and dimensions read from an image's header alone, so that a decompression bomb (a small
 * file that claims a huge canvas) is refused before any pixel buffer is allocated.
 */
public record ImageHeader(ImageFormat format, int width, int height, long largestPixels) {

    public ImageHeader(ImageFormat format, int width, int height) {
        this(format, width, height, (long) width * height);
    }

    /** The pixels of the largest frame or page the file holds (a GIF frame, a TIFF page), the first one's at least. */
    public long pixels() {
        return Math.max((long) width * height, largestPixels);
    }

    /** Most scans a progressive JPEG may have: each is a pass over the image (3,000 of them took 10 s, issue #29). */
    public static final int MAX_JPEG_SCANS = 100;

    /** Most pages (IFDs) of a TIFF walked. */
    static final int MAX_TIFF_PAGES = 256;

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
                case GIF -> gif(b);
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

    /**
     * The logical screen, and every frame's extent: each image descriptor is walked (extensions and
     * LZW data skipped), and a frame reaching past the screen is refused, as the decoder allocates the
     * frame, not the screen (a 35-byte GIF of a 1x1 screen held a 20000x20000 frame, issue #29).
     */
    private static ImageHeader gif(byte[] b) {
        int w = le16(b, 6), h = le16(b, 8);
        int at = 13;
        if ((b[10] & 0x80) != 0) at += 3 << ((b[10] & 0x07) + 1); // global colour table
        long largest = (long) w * h;
        int frames = 0;
        while (at < b.length) {
            int block = b[at] & 0xFF;
            if (block == 0x3B) break; // trailer
            if (block == 0x21) { // extension: label, then sub-blocks
                at = skipSubBlocks(b, at + 2);
            } else if (block == 0x2C) {
                if (at + 10 > b.length) break; // cut short: the decoder sees what there is
                int left = le16(b, at + 1), top = le16(b, at + 3), fw = le16(b, at + 5), fh = le16(b, at + 7);
                if (left + fw > w || top + fh > h) {
                    throw corrupt(ImageFormat.GIF, "frame " + (frames + 1) + " of " + fw + "x" + fh + " at " + left + "," + top
                            + " lies outside its " + w + "x" + h + " screen");
                }
                largest = Math.max(largest, (long) fw * fh);
                frames++;
                int packed = b[at + 9] & 0xFF;
                at += 10;
                if ((packed & 0x80) != 0) at += 3 << ((packed & 0x07) + 1); // local colour table
                at = skipSubBlocks(b, at + 1); // LZW minimum code size, then the data
            } else {
                break; // not a block: the decoder decides
            }
        }
        return new ImageHeader(ImageFormat.GIF, w, h, largest);
    }

    /** The offset after a run of GIF sub-blocks (a 0 length ends it), or the end of the data. */
    private static int skipSubBlocks(byte[] b, int at) {
        while (at < b.length) {
            int n = b[at] & 0xFF;
            at += 1 + n;
            if (n == 0) break;
        }
        return Math.min(at, b.length);
    }

    /**
     * The first page's size; every page (IFD) is walked: a width or height tag given twice, or with a
     * count other than 1, is refused (the header check read one value, the decoder another: issue #29),
     * and the largest page counts for the megapixel limit.
     */
    private static ImageHeader tiff(byte[] b) {
        boolean little = b[0] == 'I';
        long ifd = u32(b, 4, little);
        if (ifd < 8 || ifd + 2 > b.length) throw corrupt(ImageFormat.TIFF, "IFD offset " + ifd);
        int firstW = -1, firstH = -1;
        long largest = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int page = 0; ifd != 0 && page < MAX_TIFF_PAGES; page++) {
            if (ifd < 8 || ifd + 2 > b.length || !seen.add(ifd)) {
                if (page == 0) throw corrupt(ImageFormat.TIFF, "IFD offset " + ifd);
                break; // a bad link to a later page: the decoder reads the first
            }
            int at = (int) ifd;
            int entries = u16(b, at, little);
            int w = -1, h = -1;
            for (int e = 0; e < entries; e++) {
                int p = at + 2 + e * 12;
                int tag = u16(b, p, little);
                if (tag != 256 && tag != 257) continue;
                int type = u16(b, p + 2, little);
                long count = u32(b, p + 4, little);
                if (count != 1 || (type != 3 && type != 4)) throw corrupt(ImageFormat.TIFF, "tag " + tag + " is not one SHORT or LONG");
                long value = type == 3 ? u16(b, p + 8, little) : u32(b, p + 8, little);
                int v = (int) Math.min(Integer.MAX_VALUE, value);
                if ((tag == 256 ? w : h) != -1) throw corrupt(ImageFormat.TIFF, "the " + (tag == 256 ? "width" : "height") + " tag appears twice");
                if (tag == 256) w = v;
                else h = v;
            }
            if (page == 0) {
                firstW = w;
                firstH = h;
            }
            if (w > 0 && h > 0) largest = Math.max(largest, (long) w * h);
            long next = at + 2 + entries * 12L;
            ifd = next + 4 <= b.length ? u32(b, (int) next, little) : 0;
        }
        return new ImageHeader(ImageFormat.TIFF, firstW, firstH, largest);
    }

    /**
     * The scans (SOS segments) of a JPEG: markers are walked and each scan's entropy-coded data
     * skipped (to the next marker that is not a stuffed 0 or a restart). Stops counting past {@code max}.
     */
    public static int jpegScans(byte[] b, int max) {
        int scans = 0;
        int i = 2;
        while (i + 4 <= b.length && scans <= max) {
            if ((b[i] & 0xFF) != 0xFF) return scans;
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
                continue;
            }
            if (marker == 0xD9) return scans;
            if (marker == 0xD8 || marker >= 0xD0 && marker <= 0xD7 || marker == 0x01) {
                i += 2;
                continue;
            }
            i += 2 + be16(b, i + 2);
            if (marker != 0xDA) continue;
            scans++;
            while (i + 1 < b.length && !((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) != 0 && ((b[i + 1] & 0xFF) < 0xD0 || (b[i + 1] & 0xFF) > 0xD7))) i++;
        }
        return scans;
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
