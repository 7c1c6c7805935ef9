package perception.vision;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS);

    /** A 64×48 test card: left half red, right half blue, so channel order and orientation show. */
    static Frame card() {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 32, 48);
        g.setColor(Color.BLUE);
        g.fillRect(32, 0, 32, 48);
        g.dispose();
        return Frames.fromBufferedImage(img);
    }

    static byte[] encode(Frame f, String ext) {
        try (Mat m = f.toMat(); BytePointer buf = new BytePointer()) {
            assertTrue(imencode(ext, m, buf));
            byte[] b = new byte[(int) buf.limit()];
            buf.get(b);
            return b;
        }
    }

    static byte[] javaEncode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), format);
        return out.toByteArray();
    }

    private static void assertCard(Frame f) {
        assertEquals(64, f.width());
        assertEquals(48, f.height());
        int left = (10 * 64 + 5) * 3, right = (10 * 64 + 60) * 3;
        assertTrue((f.bgr()[left + 2] & 0xFF) > 200 && (f.bgr()[left] & 0xFF) < 60, "left is red");
        assertTrue((f.bgr()[right] & 0xFF) > 200 && (f.bgr()[right + 2] & 0xFF) < 60, "right is blue");
    }

    @Test
    void decodesEveryFormatToTheSamePixels() throws IOException {
        Frame card = card();
        for (String ext : new String[] {".png", ".jpg", ".bmp", ".webp", ".tiff"}) {
            byte[] bytes = encode(card, ext);
            assertEquals(ImageFormat.values()[Arrays.asList(".jpg", ".png", ".gif", ".bmp", ".webp", ".tiff").indexOf(ext)],
                    ImageHeader.read(bytes).format(), ext);
            assertCard(decoder.decode(bytes));
        }
        assertCard(decoder.decode(javaEncode(Frames.toBufferedImage(card), "gif")));
    }

    @Test
    void decodesPngVariants() throws IOException {
        BufferedImage rgb = Frames.toBufferedImage(card());
        for (int type : new int[] {BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_USHORT_GRAY, BufferedImage.TYPE_BYTE_GRAY}) {
            BufferedImage img = new BufferedImage(64, 48, type);
            Graphics2D g = img.createGraphics();
            g.drawImage(rgb, 0, 0, null);
            g.dispose();
            Frame f = decoder.decode(javaEncode(img, "png"));
            assertEquals(64, f.width());
            assertEquals(48, f.height());
            if (type == BufferedImage.TYPE_INT_ARGB || type == BufferedImage.TYPE_BYTE_INDEXED) assertCard(f);
        }
    }

    @Test
    void appliesExifOrientation() {
        byte[] jpeg = encode(card(), ".jpg");
        // APP1 Exif with one IFD entry: Orientation (0x0112) = 6, "rotate 90° clockwise to view".
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0};
        ByteBuffer app1 = ByteBuffer.allocate(4 + 6 + tiff.length);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + 6 + tiff.length)).put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff);
        byte[] withExif = new byte[jpeg.length + app1.capacity()];
        System.arraycopy(jpeg, 0, withExif, 0, 2);
        System.arraycopy(app1.array(), 0, withExif, 2, app1.capacity());
        System.arraycopy(jpeg, 2, withExif, 2 + app1.capacity(), jpeg.length - 2);
        Frame f = decoder.decode(withExif);
        assertEquals(48, f.width(), "rotated: width and height swap");
        assertEquals(64, f.height());
        int top = (5 * 48 + 24) * 3;
        assertTrue((f.bgr()[top + 2] & 0xFF) > 200, "after a clockwise turn the red left half is on top");
    }

    @Test
    void refusesABombFromItsHeaderAlone() {
        byte[] png = encode(card(), ".png");
        // Claim 100000 × 100000 in IHDR; the body stays 64×48. Nothing may be allocated for it.
        ByteBuffer.wrap(png).putInt(16, 100_000).putInt(20, 100_000);
        VisionException e = assertThrows(VisionException.class, () -> decoder.decode(png));
        assertEquals(VisionException.Reason.TOO_LARGE, e.reason());
        assertTrue(e.getMessage().contains("10000.0 megapixels"), e.getMessage());
        ImageDecoder small = new ImageDecoder(1000);
        assertEquals(VisionException.Reason.TOO_LARGE, assertThrows(VisionException.class, () -> small.decode(encode(card(), ".jpg"))).reason());
    }

    @Test
    void refusesAnimatedPngAndBadChecksums() {
        byte[] png = encode(card(), ".png");
        // An acTL chunk (animation control: 2 frames, loop forever) right after IHDR makes it an APNG.
        ByteBuffer actl = ByteBuffer.allocate(20).putInt(8).put(new byte[] {'a', 'c', 'T', 'L'}).putInt(2).putInt(0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(actl.array(), 4, 12);
        actl.putInt((int) crc.getValue());
        int afterIhdr = 8 + 25;
        byte[] apng = new byte[png.length + 20];
        System.arraycopy(png, 0, apng, 0, afterIhdr);
        System.arraycopy(actl.array(), 0, apng, afterIhdr, 20);
        System.arraycopy(png, afterIhdr, apng, afterIhdr + 20, png.length - afterIhdr);
        VisionException e = assertThrows(VisionException.class, () -> decoder.decode(apng));
        assertEquals(VisionException.Reason.UNSUPPORTED, e.reason());
        assertTrue(e.getMessage().contains("animated"), e.getMessage());
        byte[] bad = png.clone();
        bad[afterIhdr + 10] ^= 0x40; // inside IDAT: the chunk's CRC no longer matches
        assertEquals(VisionException.Reason.CORRUPT, assertThrows(VisionException.class, () -> decoder.decode(bad)).reason());
    }

    /**
     * A real decompression bomb: a valid 3000×3000 grey PNG of a few KB that decodes to 27 MB of
     * BGR pixels. Above the limit it is refused before anything the size of the picture is allocated.
     */
    @Test
    void aRealBombIsRefusedWithoutAllocatingItsPixels() throws IOException {
        byte[] bomb = greyPng(3000, 3000);
        assertTrue(bomb.length < 100_000, "a bomb is small: " + bomb.length);
        long[] decodedBytes = new long[1];
        // Within the limit it decodes, and the measurement sees the pixel buffers (so it can see them below).
        long allocated = allocatedBy(() -> decodedBytes[0] = new ImageDecoder(10_000_000).decode(bomb).bgr().length);
        assertEquals(27_000_000, decodedBytes[0]);
        assertTrue(allocated >= 27_000_000, "decoding allocated " + allocated + " bytes");
        ImageDecoder limited = new ImageDecoder(4_000_000);
        long refused = allocatedBy(() -> assertEquals(VisionException.Reason.TOO_LARGE,
                assertThrows(VisionException.class, () -> limited.decode(bomb)).reason()));
        assertTrue(refused < 1_000_000, "refusing the bomb allocated " + refused + " bytes: its pixels were decoded");
    }

    private static long allocatedBy(Runnable work) {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        work.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** A valid 8-bit greyscale PNG of zeros, deflated row by row without holding the raw image. */
    static byte[] greyPng(int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        try (var z = new java.util.zip.DeflaterOutputStream(idat, new java.util.zip.Deflater(9))) {
            byte[] row = new byte[1 + width]; // filter type 0, then black pixels
            for (int y = 0; y < height; y++) z.write(row);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        pngChunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] {8, 0, 0, 0, 0}).array());
        pngChunk(png, "IDAT", idat.toByteArray());
        pngChunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void pngChunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void refusesEmptyTruncatedAndForeignInput() {
        assertEquals(VisionException.Reason.CORRUPT, assertThrows(VisionException.class, () -> decoder.decode(new byte[0])).reason());
        assertEquals(VisionException.Reason.UNSUPPORTED, assertThrows(VisionException.class,
                () -> decoder.decode("hello, this is text".getBytes())).reason());
        for (String ext : new String[] {".jpg", ".png"}) {
            byte[] whole = encode(card(), ext);
            byte[] half = Arrays.copyOf(whole, whole.length / 2);
            assertEquals(VisionException.Reason.CORRUPT, assertThrows(VisionException.class, () -> decoder.decode(half)).reason(), ext);
        }
        assertEquals(VisionException.Reason.CORRUPT, assertThrows(VisionException.class,
                () -> decoder.decode(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})).reason());
    }

    /**
     * Mutation test: thousands of corrupted variants of every format. Each either decodes or is
     * refused with a VisionException; nothing else escapes and the native decoders never take the
     * JVM down (a crash would end this test run).
     */
    @Test
    void survivesCorruptedFiles() throws IOException {
        Random random = new Random(42);
        Frame card = card();
        byte[][] seeds = {encode(card, ".jpg"), encode(card, ".png"), encode(card, ".bmp"), encode(card, ".webp"),
                encode(card, ".tiff"), javaEncode(Frames.toBufferedImage(card), "gif")};
        String[] names = {"jpg", "png", "bmp", "webp", "tiff", "gif"};
        // As the gateway does, a limit: a mutated header that claims a huge canvas is refused at once.
        ImageDecoder decoder = new ImageDecoder(1_000_000);
        java.util.List<String> outcomes = new java.util.ArrayList<>();
        for (int s = 0; s < seeds.length; s++) {
            int decoded = 0, refused = 0, unchanged = 0;
            for (int i = 0; i < 400; i++) {
                byte[] m = mutate(seeds[s], random);
                if (Arrays.equals(m, seeds[s])) unchanged++;
                try {
                    Frame f = decoder.decode(m);
                    assertTrue(f.width() > 0 && f.height() > 0);
                    decoded++;
                } catch (VisionException e) {
                    refused++;
                }
            }
            outcomes.add(names[s] + ": decoded " + decoded + ", refused " + refused + ", unchanged " + unchanged);
            if (names[s].equals("png")) {
                // Every chunk is CRC-checked and IEND required: any altered PNG is refused.
                assertEquals(unchanged, decoded, "only unaltered PNGs decode: " + outcomes.get(s));
            } else {
                // Mutants of the other formats exercise both paths: some still decode, some are refused.
                assertTrue(decoded > 0 && refused > 0, "both outcomes for " + outcomes.get(s));
            }
        }
        System.out.println("mutation test: " + outcomes);
        assertCard(decoder.decode(seeds[1])); // the decoder still works afterwards
    }

    static byte[] mutate(byte[] seed, Random random) {
        byte[] m = seed.clone();
        switch (random.nextInt(4)) {
            case 0 -> { // flip a few bytes (headers included)
                for (int k = 0, n = 1 + random.nextInt(8); k < n; k++) m[random.nextInt(m.length)] = (byte) random.nextInt(256);
            }
            case 1 -> m = Arrays.copyOf(m, 1 + random.nextInt(m.length)); // truncate
            case 2 -> { // overwrite a run with garbage
                int at = random.nextInt(m.length), len = Math.min(m.length - at, 1 + random.nextInt(64));
                for (int k = 0; k < len; k++) m[at + k] = (byte) random.nextInt(256);
            }
            default -> { // flip a byte in the first 40 (sizes, offsets, chunk lengths)
                m[random.nextInt(Math.min(40, m.length))] ^= (byte) (1 << random.nextInt(8));
            }
        }
        return m;
    }

    @Test
    void frameRoundTripsThroughMat() {
        Frame card = card();
        try (Mat m = card.toMat()) {
            assertArrayEquals(card.bgr(), Frame.of(m).bgr());
        }
    }
}
