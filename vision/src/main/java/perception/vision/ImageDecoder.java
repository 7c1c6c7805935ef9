package perception.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8U;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes JPEG (CMYK and EXIF orientation included), PNG (8/16-bit, alpha, palette, grey), WebP,
 * BMP, TIFF through OpenCV and GIF (first frame) through the JDK, to 8-bit BGR. The size is checked
 * from the header first, so an image above {@code maxPixels} is refused without decoding.
 */
public final class ImageDecoder {
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    private final long maxPixels;

    public ImageDecoder(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    public Frame decode(byte[] bytes) {
        ImageHeader header = ImageHeader.read(bytes);
        if (header.pixels() > maxPixels) {
            boolean first = header.pixels() == (long) header.width() * header.height();
            throw new VisionException(VisionException.Reason.TOO_LARGE, first ? String.format(
                    "image is %dx%d (%.1f megapixels), above the limit of %.1f megapixels: scale it down or raise GATEWAY_MAX_IMAGE_MEGAPIXELS",
                    header.width(), header.height(), header.pixels() / 1e6, maxPixels / 1e6) : String.format(
                    "a frame or page of this %s has %.1f megapixels, above the limit of %.1f megapixels: send a smaller image or raise GATEWAY_MAX_IMAGE_MEGAPIXELS",
                    header.format(), header.pixels() / 1e6, maxPixels / 1e6));
        }
        if (header.format() == ImageFormat.JPEG) {
            int scans = ImageHeader.jpegScans(bytes, ImageHeader.MAX_JPEG_SCANS);
            if (scans > ImageHeader.MAX_JPEG_SCANS) {
                throw new VisionException(VisionException.Reason.CORRUPT, "this progressive JPEG has more than " + ImageHeader.MAX_JPEG_SCANS
                        + " scans, each a pass over the whole image: re-encode it (baseline, or the usual progressive of about 10 scans)");
            }
        }
        if (truncated(header.format(), bytes)) {
            throw new VisionException(VisionException.Reason.CORRUPT,
                    "truncated " + header.format() + " image (its end marker is missing): send the complete file");
        }
        if (header.format() == ImageFormat.PNG) checkPngChunks(bytes);
        if (header.format() == ImageFormat.WEBP && animatedWebp(bytes)) throw animated("WebP");
        Frame frame = header.format() == ImageFormat.GIF ? decodeGif(bytes) : decodeOpenCv(bytes, header);
        if (frame == null) {
            throw new VisionException(VisionException.Reason.CORRUPT,
                    "corrupt or truncated " + header.format() + " image: it could not be decoded; send a complete, valid file");
        }
        return frame;
    }

    /**
     * Walks the PNG chunks and checks each length and CRC before the native decoder sees them: a
     * corrupted chunk length can keep libpng/OpenCV busy for seconds on a 150-byte file. Animated
     * PNGs (acTL) are refused: send a still image or a video.
     */
    static void checkPngChunks(byte[] b) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        int at = 8;
        while (at + 12 <= b.length) {
            long length = ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFF) << 16) | ((b[at + 2] & 0xFF) << 8) | (b[at + 3] & 0xFF);
            if (length > b.length - at - 12) throw new VisionException(VisionException.Reason.CORRUPT, "corrupt PNG image (a chunk runs past the end of the file): send a complete, valid file");
            crc.reset();
            crc.update(b, at + 4, 4 + (int) length);
            int end = at + 8 + (int) length;
            long stored = ((b[end] & 0xFFL) << 24) | ((b[end + 1] & 0xFF) << 16) | ((b[end + 2] & 0xFF) << 8) | (b[end + 3] & 0xFF);
            if (crc.getValue() != stored) throw new VisionException(VisionException.Reason.CORRUPT, "corrupt PNG image (checksum mismatch): send a complete, valid file");
            String type = new String(b, at + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (type.equals("acTL")) throw animated("PNG");
            if (type.equals("IEND")) return;
            at = end + 4;
        }
        throw new VisionException(VisionException.Reason.CORRUPT, "truncated PNG image (no IEND chunk): send the complete file");
    }

    /** VP8X with the animation flag. */
    static boolean animatedWebp(byte[] b) {
        return b.length > 20 && b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'X' && (b[20] & 0x02) != 0;
    }

    private static VisionException animated(String format) {
        return new VisionException(VisionException.Reason.UNSUPPORTED,
                "animated " + format + " images are not supported: send a still image, or the clip to /v1/videos/analyze");
    }

    /** JPEG and PNG decoders fill a missing tail with grey; an incomplete upload is refused instead. */
    static boolean truncated(ImageFormat format, byte[] b) {
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) end--; // some writers pad
        if (format == ImageFormat.JPEG) return end < 4 || (b[end - 2] & 0xFF) != 0xFF || (b[end - 1] & 0xFF) != 0xD9;
        if (format == ImageFormat.PNG) {
            return b.length < 12 || b[b.length - 8] != 'I' || b[b.length - 7] != 'E' || b[b.length - 6] != 'N' || b[b.length - 5] != 'D';
        }
        return false;
    }

    private static Frame decodeOpenCv(byte[] bytes, ImageHeader header) {
        try {
            return decodeOpenCvUnchecked(bytes, header);
        } catch (RuntimeException nativeError) { // cv::Exception surfaces as RuntimeException: bad data, not a bug
            return null;
        }
    }

    private static Frame decodeOpenCvUnchecked(byte[] bytes, ImageHeader header) {
        try (Mat buf = new Mat(1, bytes.length, CV_8U); Mat img = decodeMat(buf, bytes)) {
            if (img == null || img.empty()) return null;
            boolean sameSize = img.cols() == header.width() && img.rows() == header.height();
            boolean rotated = img.cols() == header.height() && img.rows() == header.width(); // EXIF orientation
            if (!sameSize && !rotated) return null;
            return Frame.of(img);
        }
    }

    private static Mat decodeMat(Mat buf, byte[] bytes) {
        buf.data().put(bytes);
        return imdecode(buf, IMREAD_COLOR);
    }

    private static Frame decodeGif(byte[] bytes) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            return img == null ? null : Frames.fromBufferedImage(img);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
