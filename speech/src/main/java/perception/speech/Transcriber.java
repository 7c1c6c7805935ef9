package perception.speech;

import java.util.ArrayList;
import java.util.List;

/**
 * Speech recognition: opens independent streaming sessions on one shared model. Many sessions
 * may run in parallel on different threads.
 */
public interface Transcriber extends AutoCloseable {

    /**
     * Opens a session for mono PCM at {@code sampleRate} (8000 to 48000 Hz).
     *
     * @param words whether final results carry per-word times and confidences
     */
    TranscriptionSession open(int sampleRate, boolean words);

    /** Model name for logs and APIs. */
    String name();

    /**
     * Transcribes a whole recording: every final utterance in order, the last one included. Fed in
     * {@link #CHUNK_SECONDS} pieces, as a live stream would be.
     */
    default List<Utterance> transcribe(Audio audio) {
        List<Utterance> out = new ArrayList<>();
        try (TranscriptionSession session = open(audio.sampleRate(), true)) {
            int chunk = (int) (audio.sampleRate() * CHUNK_SECONDS);
            float[] s = audio.samples();
            for (int i = 0; i < s.length; i += chunk) {
                byte[] pcm = Pcm16.encode(s, i, Math.min(s.length, i + chunk));
                if (session.feed(pcm, 0, pcm.length) instanceof Hypothesis.Final f && !f.utterance().isEmpty()) {
                    out.add(f.utterance());
                }
            }
            Utterance last = session.finish();
            if (!last.isEmpty()) out.add(last);
        }
        return out;
    }

    /** Chunk length used by {@link #transcribe}: 0.25 s, a typical live-stream frame. */
    double CHUNK_SECONDS = 0.25;

    @Override
    void close();
}
