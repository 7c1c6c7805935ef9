package perception.vision;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads a video file (MP4/H.264, WebM/VP8/VP9, AVI, MOV, ...) with FFmpeg and hands frames sampled
 * at a requested rate to a consumer, each copied into a {@link Frame} before the next grab (the
 * grabber reuses its buffers). Refuses files without a video stream and frames above maxPixels.
 */
public final class VideoSampler {
    /** One sampled frame and its presentation time in seconds. */
    public record Sample(int index, double timeSeconds, Frame frame) {
    }

    static {
        FFmpegLogCallback.setLevel(org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET);
    }

    private final long maxPixels;
    private final int maxSamples;

    public VideoSampler(long maxPixels, int maxSamples) {
        this.maxPixels = maxPixels;
        this.maxSamples = maxSamples;
    }

    /** Samples the file at fps frames per second; returns the video's duration in seconds. */
    public double sample(Path file, double fps, Consumer<Sample> consumer) {
        if (!(fps > 0 && fps <= 60)) throw new IllegalArgumentException("fps must be above 0 and at most 60, got " + fps);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw new VisionException(VisionException.Reason.UNSUPPORTED,
                        "not a readable video (" + firstLine(e) + "): send MP4 (H.264), WebM (VP8/VP9), AVI or MOV");
            }
            if (grabber.getVideoStream() < 0 || grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
                throw new VisionException(VisionException.Reason.UNSUPPORTED, "the file has no video stream: send a video with pictures");
            }
            if ((long) grabber.getImageWidth() * grabber.getImageHeight() > maxPixels) {
                throw new VisionException(VisionException.Reason.TOO_LARGE, "video frames are " + grabber.getImageWidth() + "x"
                        + grabber.getImageHeight() + ", above the limit of " + maxPixels / 1_000_000 + " megapixels");
            }
            double step = 1.0 / fps, next = 0;
            int index = 0;
            double last = 0;
            while (index < maxSamples) {
                org.bytedeco.javacv.Frame f;
                try {
                    f = grabber.grabImage();
                } catch (FrameGrabber.Exception e) {
                    if (index == 0) throw new VisionException(VisionException.Reason.CORRUPT, "the video could not be decoded (" + firstLine(e) + ")");
                    break; // a damaged tail: keep what was read
                }
                if (f == null) break;
                double t = Math.max(0, f.timestamp) / 1e6;
                last = t;
                if (t + 1e-6 < next) continue;
                Mat mat = converter.convert(f);
                if (mat == null || mat.empty() || mat.channels() != 3) continue;
                consumer.accept(new Sample(index++, t, Frame.of(mat)));
                next += step;
                while (next <= t) next += step;
            }
            if (index == 0) throw new VisionException(VisionException.Reason.CORRUPT, "the video has no decodable frames: send a complete, valid file");
            double duration = grabber.getLengthInTime() / 1e6;
            return duration > 0 ? duration : last;
        } catch (FrameGrabber.Exception e) {
            throw new VisionException(VisionException.Reason.CORRUPT, "the video could not be read (" + firstLine(e) + ")");
        } catch (VisionException | IllegalArgumentException e) {
            throw e;
        } catch (Exception e) { // FFmpeg/OpenCV errors on hostile data
            throw new VisionException(VisionException.Reason.CORRUPT, "the video could not be read (" + firstLine(e) + ")");
        }
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }

}
