package perception.vision;

import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;

/** Generates test videos with JavaCV: a moving square on one background, then a cut to another. */
final class TestVideos {
    private TestVideos() {
    }

    /**
     * Writes {@code seconds} of 160×120 video at {@code fps}; the scene cuts at {@code cutSeconds}
     * from a blue background with a white square to an orange one with a black bar.
     */
    static void write(Path file, String format, int codec, double fps, double seconds, double cutSeconds) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 160, 120, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat(format);
            recorder.setVideoCodec(codec);
            recorder.setFrameRate(fps);
            recorder.setPixelFormat(codec == avcodec.AV_CODEC_ID_MJPEG ? org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P : org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P);
            recorder.setVideoBitrate(400_000);
            recorder.setGopSize(10);
            recorder.start();
            int frames = (int) Math.round(fps * seconds);
            for (int i = 0; i < frames; i++) {
                boolean after = i / fps >= cutSeconds;
                byte[] bgr = new byte[160 * 120 * 3];
                for (int p = 0; p < 160 * 120; p++) {
                    int x = p % 160, y = p / 160;
                    int[] c = after ? new int[] {30, 140, 240} : new int[] {200, 80, 20};
                    if (!after && Math.abs(x - (20 + i * 2) % 140) < 12 && Math.abs(y - 60) < 12) c = new int[] {255, 255, 255};
                    if (after && y > 50 && y < 70) c = new int[] {0, 0, 0};
                    bgr[p * 3] = (byte) c[0];
                    bgr[p * 3 + 1] = (byte) c[1];
                    bgr[p * 3 + 2] = (byte) c[2];
                }
                try (Mat m = new Frame(160, 120, bgr).toMat()) {
                    recorder.record(converter.convert(m));
                }
            }
            recorder.stop();
        }
    }

    static void mp4(Path file, double fps, double seconds, double cutSeconds) throws Exception {
        write(file, "mp4", avcodec.AV_CODEC_ID_H264, fps, seconds, cutSeconds);
    }
}
