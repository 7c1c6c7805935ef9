package perception.speech;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns uploaded bytes into mono audio: WAV is parsed here, anything else (WebM/Opus, OGG/Opus or
 * Vorbis, MP3, M4A/AAC, FLAC, ...) goes through FFmpeg. {@link #decode16k} also resamples to the
 * 16 kHz the recogniser and the VAD want. Thread-safe; FFmpeg input goes through a temp file that
 * is deleted on every path (MP4 needs to seek).
 */
public final class AudioDecoder {
    private static final Logger log = LoggerFactory.getLogger(AudioDecoder.class);
    /** By default a decoded file longer than this is refused (memory: 1 h at 48 kHz is 690 MB of floats). */
    private static final double DEFAULT_MAX_SECONDS = 3 * 3600;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    }

    private final Path tempDir;
    private final double maxSeconds;

    public AudioDecoder() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    public AudioDecoder(Path tempDir) {
        this(tempDir, DEFAULT_MAX_SECONDS);
    }

    /** Refuses audio longer than maxSeconds: WAV before a sample is decoded, other formats as soon as the decoder passes it. */
    public AudioDecoder(Path tempDir, double maxSeconds) {
        this.tempDir = tempDir;
        this.maxSeconds = maxSeconds;
    }

    /**
     * Decodes and resamples to 16 kHz mono. Formats other than WAV are resampled by FFmpeg while they
     * decode, so what is held is 16 kHz samples whatever the file's rate (a 192 kHz file held 12 times
     * as many floats before being resampled), and at most maxSeconds of them.
     */
    public Audio decode16k(byte[] bytes) {
        return decode(bytes, 16000).resample(16000);
    }

    /** Decodes to mono at the file's own rate. */
    public Audio decode(byte[] bytes) {
        return decode(bytes, 0);
    }

    /** Decodes to mono, at {@code targetRate} Hz (FFmpeg resamples while decoding) or, when 0, at the file's own rate. */
    private Audio decode(byte[] bytes, int targetRate) {
        if (bytes == null || bytes.length == 0) throw new AudioFormatException("the audio file is empty (0 bytes)");
        if (WavReader.looksLikeWav(bytes)) return WavReader.read(bytes, maxSeconds);
        if (bytes.length < 32) throw new AudioFormatException("the file is too short to be audio (" + bytes.length + " bytes)");
        Path tmp = null;
        try {
            Files.createDirectories(tempDir);
            tmp = Files.createTempFile(tempDir, "decode-", ".bin");
            Files.write(tmp, bytes);
            return decodeWithFfmpeg(tmp, targetRate);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a temp file for decoding: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    log.warn("could not delete temp file {}: {}", tmp, e.toString());
                }
            }
        }
    }

    private Audio decodeWithFfmpeg(Path file, int targetRate) {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            if (targetRate > 0) {
                grabber.setSampleRate(targetRate); // FFmpeg's resampler converts each frame as it is decoded
                grabber.setAudioChannels(1);
            }
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                throw new AudioFormatException("not a readable audio file (FFmpeg: " + firstLine(e) + "); send WAV, MP3, M4A/AAC, FLAC, OGG or WebM/Opus");
            } catch (RuntimeException e) {
                throw new AudioFormatException("not a readable audio file (" + e.getClass().getSimpleName() + "); send WAV, MP3, M4A/AAC, FLAC, OGG or WebM/Opus");
            }
            if (grabber.getAudioStream() < 0 || grabber.getAudioChannels() <= 0) {
                throw new AudioFormatException("the file has no audio stream (format " + grabber.getFormat() + ")");
            }
            // the container's own duration (FLAC's STREAMINFO, Ogg's last granule, MP4's header): refused before a sample is decoded
            long declaredMicros = grabber.getLengthInTime();
            if (declaredMicros > 0 && declaredMicros / 1e6 > maxSeconds) {
                throw new AudioFormatException("the audio is " + Math.round(declaredMicros / 1e6) + " s long (by its header), over the limit of "
                        + Math.round(maxSeconds) + " s (setting max_audio_seconds): split the recording");
            }
            int rate = grabber.getSampleRate();
            if (rate <= 0) throw new AudioFormatException("the audio stream has no sample rate (unsupported codec?)");
            long limit = (long) (maxSeconds * rate);
            // sized from the declared length when there is one (no growing copies), else 10 s to start
            long expected = declaredMicros > 0 ? declaredMicros * rate / 1_000_000 + rate : rate * 10L;
            FloatArray out = new FloatArray((int) Math.min(Math.min(limit + 1, expected), Integer.MAX_VALUE - 16));
            Frame frame;
            while ((frame = grabFrame(grabber)) != null) {
                if (frame.samples == null) continue;
                appendMono(frame, out);
                if (out.size > limit) throw tooLong(maxSeconds);
            }
            if (out.size == 0) throw new AudioFormatException("the file contains no audio samples (truncated?)");
            return new Audio(out.toArray(), rate);
        } catch (FrameGrabber.Exception e) {
            throw new AudioFormatException("could not close the decoder: " + firstLine(e), e);
        }
    }

    static AudioFormatException tooLong(double maxSeconds) {
        return new AudioFormatException("the audio is longer than the limit of " + Math.round(maxSeconds)
                + " s (setting max_audio_seconds): split the recording");
    }

    private static Frame grabFrame(FFmpegFrameGrabber grabber) {
        try {
            return grabber.grabSamples();
        } catch (FrameGrabber.Exception e) {
            // A corrupt packet in the middle ends the stream: keep what was decoded, as players do.
            log.debug("decoding stopped early: {}", firstLine(e));
            return null;
        } catch (RuntimeException e) { // the client's bytes, not the gateway's fault: a 400, never a 500
            throw new AudioFormatException("the audio could not be decoded (" + e.getClass().getSimpleName() + "): send WAV, MP3, M4A/AAC, FLAC, OGG or WebM/Opus");
        }
    }

    private static void appendMono(Frame frame, FloatArray out) {
        int channels = Math.max(1, frame.audioChannels);
        java.nio.Buffer[] planes = frame.samples;
        if (planes.length == 1) {
            FloatBuffer fb = asFloats(planes[0]);
            int frames = fb.remaining() / channels;
            for (int i = 0; i < frames; i++) {
                float sum = 0;
                for (int c = 0; c < channels; c++) sum += fb.get(fb.position() + i * channels + c);
                out.add(sum / channels);
            }
        } else {
            FloatBuffer[] fb = new FloatBuffer[planes.length];
            for (int c = 0; c < planes.length; c++) fb[c] = asFloats(planes[c]);
            int frames = fb[0].remaining();
            for (int i = 0; i < frames; i++) {
                float sum = 0;
                for (FloatBuffer p : fb) sum += p.get(p.position() + i);
                out.add(sum / fb.length);
            }
        }
    }

    private static FloatBuffer asFloats(java.nio.Buffer b) {
        if (b instanceof FloatBuffer f) return f;
        if (b instanceof ShortBuffer s) {
            FloatBuffer f = FloatBuffer.allocate(s.remaining());
            for (int i = s.position(); i < s.limit(); i++) f.put(s.get(i) / 32768f);
            return f.flip();
        }
        if (b instanceof ByteBuffer) throw new AudioFormatException("unsupported sample layout from the decoder");
        throw new AudioFormatException("unsupported sample buffer " + b.getClass().getSimpleName());
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** Growable float list without boxing. */
    private static final class FloatArray {
        float[] data;
        int size;

        FloatArray(int capacity) {
            data = new float[Math.max(16, capacity)];
        }

        void add(float v) {
            if (size == data.length) data = java.util.Arrays.copyOf(data, data.length * 2);
            data[size++] = v;
        }

        float[] toArray() {
            return size == data.length ? data : java.util.Arrays.copyOf(data, size);
        }
    }
}
