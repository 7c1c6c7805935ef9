package perception.gateway.realtime;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * When each piece of input audio reached the gateway, by its position in the 16 kHz stream the turn
 * detector sees, so a time in that stream (the end of speech) maps back to the wall clock. Keeps
 * the last minute of 100 ms appends.
 */
final class AudioArrivals {
    private static final int KEEP = 600;
    private final Deque<long[]> log = new ArrayDeque<>(); // {stream ms at the piece's end, nanoTime received}
    private long samples;

    void received(int samples16k, long nanos) {
        samples += samples16k;
        log.addLast(new long[] {samples * 1000 / 16000, nanos});
        if (log.size() > KEEP) log.removeFirst();
    }

    /** When the piece holding stream time {@code audioMs} was received (the latest one if it is past the end). */
    long nanosAt(long audioMs) {
        for (long[] e : log) if (e[0] >= audioMs) return e[1];
        return log.isEmpty() ? System.nanoTime() : log.peekLast()[1];
    }

    /** A new turn-detection session counts from zero again. */
    void reset() {
        log.clear();
        samples = 0;
    }
}
