package perception.gateway.realtime;

/**
 * When a user turn ended, on the gateway's clock (System.nanoTime(); 0 = not known): the end of
 * speech (when the last voiced audio, as VAD found it, was received), speech_stopped (the turn
 * detector decided), and the transcript sent. A response times its stages from these.
 */
record TurnTimes(long speechEndNanos, long speechStoppedNanos, long transcriptNanos) {
    /** A response the client asked for: its clock starts now. */
    static TurnTimes now() {
        return new TurnTimes(0, System.nanoTime(), 0);
    }

    static long ms(long from, long to) {
        return (to - from) / 1_000_000;
    }
}
