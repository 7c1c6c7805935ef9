package perception.speech;

import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.audio.AudioPlayer;
import com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import javax.sound.sampled.AudioFormat;

/**
 * FreeTTS with the kevin16 voice (16 kHz diphone). FreeTTS splits the text into utterances itself
 * (its tokenizer knows abbreviations like "Dr." and reads numbers, dates and money as words); each
 * utterance's samples are caught in memory by {@link MemoryPlayer}, never sent to a sound card,
 * resampled to the requested rate and handed to the sink at the end of the utterance. A FreeTTS
 * voice is not thread-safe, so a small pool of voices serves parallel requests.
 */
public final class FreeTtsSynthesizer implements Synthesizer {
    private static final String VOICE = "kevin16";
    /** FreeTTS speaking rate, words per minute, at speed 1. */
    private static final float NORMAL_RATE = 150f;

    private final BlockingQueue<Voice> voices;
    private final List<Voice> all = new ArrayList<>();

    private FreeTtsSynthesizer(int poolSize) {
        voices = new ArrayBlockingQueue<>(poolSize);
        for (int i = 0; i < poolSize; i++) {
            Voice v = newVoice();
            v.allocate();
            all.add(v);
            voices.add(v);
        }
    }

    /** Loads {@code poolSize} kevin16 voices (about 1 s each). */
    public static FreeTtsSynthesizer load(int poolSize) {
        if (poolSize < 1) throw new IllegalArgumentException("pool size must be at least 1");
        return new FreeTtsSynthesizer(poolSize);
    }

    private static Voice newVoice() {
        for (Voice v : new KevinVoiceDirectory().getVoices()) {
            if (VOICE.equals(v.getName())) return v;
        }
        throw new IllegalStateException("FreeTTS voice " + VOICE + " not found on the classpath (freetts jar missing?)");
    }

    @Override
    public String voice() {
        return VOICE;
    }

    @Override
    public long synthesize(String text, int sampleRate, double speed, double maxSeconds, SentenceSink sink) {
        Synthesizer.checkArguments(text, sampleRate, speed, maxSeconds);
        Voice voice;
        try {
            voice = voices.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a voice", e);
        }
        MemoryPlayer player = new MemoryPlayer(sampleRate, maxSeconds, sink);
        try {
            voice.setRate((float) (NORMAL_RATE * speed));
            voice.setAudioPlayer(player);
            voice.speak(boundedTokens(text));
            if (player.failure != null) throw player.failure;
            return player.total;
        } finally {
            voices.add(voice);
        }
    }

    /**
     * FreeTTS expands a token recursively (letters, digits and their mixes, a piece at a time), so
     * one long token such as "a1" repeated 2048 times overflows the thread's stack. No word is that
     * long: a run of more than {@link #MAX_TOKEN} non-space characters is broken with spaces.
     */
    static String boundedTokens(String text) {
        return LONG_TOKEN.matcher(text).replaceAll("$1 ");
    }

    static final int MAX_TOKEN = 32;
    private static final java.util.regex.Pattern LONG_TOKEN = java.util.regex.Pattern.compile("(\\S{" + MAX_TOKEN + "})(?=\\S)");

    @Override
    public void close() {
        for (Voice v : all) v.deallocate();
    }

    /**
     * FreeTTS's output device, in memory: collects one utterance between begin() and end(),
     * converts it to PCM16LE at the target rate and passes it on.
     */
    private static final class MemoryPlayer implements AudioPlayer {
        private final int targetRate;
        private final double maxSeconds;
        private final SentenceSink sink;
        private final ByteArrayOutputStream utterance = new ByteArrayOutputStream();
        private AudioFormat format = new AudioFormat(16000, 16, 1, true, true);
        private float volume = 1f;
        long total;
        /** Seconds of audio made so far, the utterance being collected included. */
        private double spokenBefore;
        RuntimeException failure;

        MemoryPlayer(int targetRate, double maxSeconds, SentenceSink sink) {
            this.targetRate = targetRate;
            this.maxSeconds = maxSeconds;
            this.sink = sink;
        }

        private double seconds(int bytes) {
            int frame = Math.max(1, format.getChannels()) * Math.max(1, format.getSampleSizeInBits() / 8);
            return (double) bytes / frame / Math.max(1f, format.getSampleRate());
        }

        @Override
        public void setAudioFormat(AudioFormat format) {
            this.format = format;
        }

        @Override
        public AudioFormat getAudioFormat() {
            return format;
        }

        @Override
        public void begin(int size) {
            utterance.reset();
        }

        @Override
        public boolean write(byte[] audio) {
            return write(audio, 0, audio.length);
        }

        @Override
        public boolean write(byte[] audio, int offset, int length) {
            if (failure != null) return false;
            if (spokenBefore + seconds(utterance.size() + length) > maxSeconds) {
                failure = new SpeechTooLongException(maxSeconds); // stop here: what is past the limit is never held
                utterance.reset();
                return false;
            }
            utterance.write(audio, offset, length);
            return true;
        }

        @Override
        public boolean end() {
            if (failure != null || utterance.size() == 0) return failure == null;
            try {
                spokenBefore += seconds(utterance.size());
                float[] samples = toFloats(utterance.toByteArray());
                float[] out = Resampler.resample(samples, Math.round(format.getSampleRate()), targetRate);
                byte[] pcm = Pcm16.encode(out, 0, out.length);
                total += pcm.length;
                sink.accept(pcm);
            } catch (RuntimeException e) {
                failure = e; // e.g. the client went away; stop speaking the rest
            }
            utterance.reset();
            return failure == null;
        }

        private float[] toFloats(byte[] b) {
            if (format.getSampleSizeInBits() != 16) throw new IllegalStateException("FreeTTS produced " + format.getSampleSizeInBits() + "-bit audio; expected 16");
            int channels = Math.max(1, format.getChannels());
            float[] out = new float[b.length / 2 / channels];
            boolean big = format.isBigEndian();
            for (int i = 0; i < out.length; i++) {
                int p = i * 2 * channels;
                int v = big ? (short) ((b[p] << 8) | (b[p + 1] & 0xff)) : (short) ((b[p + 1] << 8) | (b[p] & 0xff));
                out[i] = v / 32768f * volume;
            }
            return out;
        }

        @Override
        public boolean drain() {
            return true;
        }

        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void reset() {
        }

        @Override
        public void cancel() {
        }

        @Override
        public void close() {
        }

        @Override
        public float getVolume() {
            return volume;
        }

        @Override
        public void setVolume(float volume) {
            this.volume = volume;
        }

        @Override
        public long getTime() {
            return 0;
        }

        @Override
        public void resetTime() {
        }

        @Override
        public void startFirstSampleTimer() {
        }

        @Override
        public void showMetrics() {
        }
    }
}
