package perception.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AudioDecoderTest {
    @TempDir
    Path temp;

    /** A WAV file of a 440 Hz tone (left) and its negation (right) when stereo, in the given encoding. */
    static byte[] wav(int format, int bits, int channels, int rate, float[] mono, boolean extensible, boolean streamingSizes) {
        int bytesPerSample = bits / 8;
        int dataBytes = mono.length * channels * bytesPerSample;
        int fmtSize = extensible ? 40 : 16;
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + fmtSize + 8 + 8 + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes()).putInt(streamingSizes ? -1 : b.capacity() - 8).put("WAVE".getBytes());
        b.put("fmt ".getBytes()).putInt(fmtSize).putShort((short) (extensible ? 0xFFFE : format)).putShort((short) channels)
                .putInt(rate).putInt(rate * channels * bytesPerSample).putShort((short) (channels * bytesPerSample)).putShort((short) bits);
        if (extensible) {
            b.putShort((short) 22).putShort((short) bits).putInt(channels == 1 ? 4 : 3).putShort((short) format)
                    .put(new byte[]{0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        }
        b.put("LIST".getBytes()).putInt(0); // an empty unknown chunk the reader must skip
        b.put("data".getBytes()).putInt(streamingSizes ? 0 : dataBytes);
        for (float v : mono) {
            for (int c = 0; c < channels; c++) {
                // stereo: both channels carry the signal, so the down-mix equals it
                double x = v;
                if (format == 3 && bits == 32) b.putFloat((float) x);
                else if (format == 3) b.putDouble(x);
                else if (bits == 8) b.put((byte) (Math.round(x * 127) + 128));
                else if (bits == 16) b.putShort((short) Math.round(x * 32767));
                else if (bits == 24) {
                    int s = (int) Math.round(x * 8388607);
                    b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                } else b.putInt((int) Math.round(x * 2147483647.0));
            }
        }
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1:8", "1:16", "1:24", "1:32", "3:32", "3:64"})
    void decodesEveryWavSampleFormat(String spec) {
        int format = Integer.parseInt(spec.split(":")[0]), bits = Integer.parseInt(spec.split(":")[1]);
        float[] tone = ResamplerTest.tone(440, 22050, 0.5, 0.6);
        for (int channels : new int[]{1, 2}) {
            for (boolean extensible : new boolean[]{false, true}) {
                Audio a = new AudioDecoder(temp).decode(wav(format, bits, channels, 22050, tone, extensible, !extensible && channels == 2));
                assertEquals(22050, a.sampleRate());
                assertEquals(tone.length, a.samples().length);
                double tolerance = bits == 8 ? 1.0 / 100 : 1e-4;
                for (int i = 0; i < tone.length; i += 97) assertEquals(tone[i], a.samples()[i], tolerance, spec + " sample " + i);
            }
        }
    }

    @Test
    void resamplesTo16kWithTheRightDuration() {
        float[] tone = ResamplerTest.tone(440, 44100, 2, 0.5);
        Audio a = new AudioDecoder(temp).decode16k(wav(1, 16, 2, 44100, tone, false, false));
        assertEquals(16000, a.sampleRate());
        assertEquals(2.0, a.durationSeconds(), 0.001);
        assertEquals(0.5, ResamplerTest.amplitude(a.samples(), 16000, 440), 0.01);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sentence.webm", "sentence.opus.ogg", "sentence.mp3", "sentence.m4a", "sentence.flac", "sentence.wav"})
    void decodesCompressedFormatsToRecognisableSpeech(String file) throws IOException {
        Audio wav = new AudioDecoder(temp).decode16k(SpeechFixtures.resource("/media/sentence.wav"));
        Audio a = new AudioDecoder(temp).decode16k(SpeechFixtures.resource("/media/" + file));
        assertEquals(16000, a.sampleRate());
        // encoders add priming samples (MP3, AAC) or padding; the length stays close to the original
        assertEquals(wav.durationSeconds(), a.durationSeconds(), 0.12, file + " duration");
        String text = SpeechFixtures.text(SpeechFixtures.transcriber().transcribe(a));
        double wer = WordErrorRate.of("Please send me the report before the meeting tomorrow morning.", text);
        assertTrue(wer <= 0.1, file + " heard as '" + text + "' (WER " + wer + ")");
        try (var files = Files.list(temp)) {
            assertEquals(0, files.count(), "temp files left behind");
        }
    }

    @Test
    void refusesWhatIsNotAudioWithAClearMessage() throws IOException {
        AudioDecoder d = new AudioDecoder(temp);
        assertTrue(assertThrows(AudioFormatException.class, () -> d.decode(new byte[0])).getMessage().contains("empty"));
        assertThrows(AudioFormatException.class, () -> d.decode("hello".getBytes()));
        assertThrows(AudioFormatException.class, () -> d.decode("this is certainly not an audio file, just some text, long enough".repeat(20).getBytes()));
        byte[] png = new byte[4096];
        System.arraycopy(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 0, png, 0, 8);
        assertThrows(AudioFormatException.class, () -> d.decode(png));
        byte[] wav = wav(1, 16, 1, 16000, new float[1600], false, false);
        assertThrows(AudioFormatException.class, () -> d.decode(java.util.Arrays.copyOf(wav, 30)), "truncated header");
        byte[] adpcm = wav(1, 16, 1, 16000, new float[1600], false, false);
        adpcm[20] = 2; // MS ADPCM format tag
        assertTrue(assertThrows(AudioFormatException.class, () -> d.decode(adpcm)).getMessage().contains("unsupported WAV"));
        byte[] mp3 = SpeechFixtures.resource("/media/sentence.mp3");
        assertThrows(AudioFormatException.class, () -> d.decode(java.util.Arrays.copyOf(mp3, 40)), "truncated MP3");
        try (var files = Files.list(temp)) {
            assertEquals(0, files.count(), "temp files left behind");
        }
    }
}
