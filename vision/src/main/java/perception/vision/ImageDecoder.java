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
            throw new VisionException(VisionException.Reason.TOO_LARGE, String.format(
                    "image is %dx%d (%.1f megapixels), above the limit of %.1f megapixels: scale it down or raise GATEWAY_MAX_IMAGE_MEGAPIXELS",
                    header.width(), header.height(), header.pixels() / 1e6, maxPixels / 1e6));
        }
        if (truncated(header.format(), bytes)) {
            throw new VisionException(VisionException.Reason.CORRUPT,
                    "truncated " + header.format() + " image (its end marker is missing): send the complete file");
        }
        Frame frame = header.format() == ImageFormat.GIF ? decodeGif(bytes) : decodeOpenCv(bytes, header);
        if (frame == null) {
            throw new VisionException(VisionException.Reason.CORRUPT,
                    "corrupt or truncated " + header.format() + " image: it could not be decoded; send a complete, valid file");
        }
        return frame;
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
