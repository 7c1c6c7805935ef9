package perception.tests.vision;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import perception.tests.TestGateway;
import perception.vision.Frame;

/** Test media for the vision end-to-end tests and benchmark, and a small HTTP client. */
public final class VisionMedia {
    private VisionMedia() {
    }

    /** The committed test photos (vision/src/test/resources/perception/vision/photos, sources in SOURCES.md there). */
    public static byte[] photo(String name) throws IOException {
        Path root = TestGateway.modelsDir().toAbsolutePath().getParent();
        return Files.readAllBytes(root.resolve("vision/src/test/resources/perception/vision/photos").resolve(name));
    }

    /** An H.264 MP4 of 160×120 at fps: blue with a moving white square, cut at cutSeconds to orange with a black bar. */
    public static void cutVideo(Path file, double fps, double seconds, double cutSeconds) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 160, 120, 0);
             OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoBitrate(400_000);
            recorder.start();
            for (int i = 0; i < Math.round(fps * seconds); i++) {
                boolean after = i / fps >= cutSeconds;
                byte[] bgr = new byte[160 * 120 * 3];
                for (int p = 0; p < 160 * 120; p++) {
                    int x = p % 160, y = p / 160;
                    int[] c = after ? new int[] {30, 140, 240} : new int[] {200, 80, 20};
                    if (!after && Math.abs(x - (20 + i * 2) % 140) < 12 && Math.abs(y - 60) < 12) c = new int[] {255, 255, 255};
                    if (after && y > 50 && y < 70) c = new int[] {0, 0, 0};
                    for (int k = 0; k < 3; k++) bgr[p * 3 + k] = (byte) c[k];
                }
                try (Mat m = new Frame(160, 120, bgr).toMat()) {
                    recorder.record(converter.convert(m));
                }
            }
            recorder.stop();
        }
    }

    /** A multipart/form-data body: parts are name → byte[] (a file) or String (a field). */
    public static HttpRequest.BodyPublisher multipart(String boundary, Object... nameValues) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            String name = (String) nameValues[i];
            Object value = nameValues[i + 1];
            StringBuilder head = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(name).append('"');
            if (value instanceof byte[]) head.append("; filename=\"").append(name).append(".bin\"\r\nContent-Type: application/octet-stream");
            head.append("\r\n\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes(value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8));
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.BodyPublishers.ofByteArray(out.toByteArray());
    }

    public static HttpResponse<String> postMultipart(HttpClient http, String url, Object... nameValues) throws Exception {
        String boundary = "----perception" + System.nanoTime();
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(multipart(boundary, nameValues)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> postRaw(HttpClient http, String url, String contentType, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
