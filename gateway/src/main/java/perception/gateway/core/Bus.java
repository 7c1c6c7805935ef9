package perception.gateway.core;

/**
 * Event-bus addresses of the senses. HTTP and WebSocket verticles reach the models only through
 * these, so a cluster can move a sense to another node without code changes (the types that cross
 * the bus have wire forms: {@link WireCodec}).
 */
public final class Bus {
    public static final String TRANSCRIBE = "perception.transcribe";
    public static final String ANALYZE = "perception.analyze";
    public static final String GENERATE = "perception.generate";
    public static final String SYNTHESIZE = "perception.synthesize";
    /** Body: the id of a generate request to stop, sent before or while it runs. */
    public static final String GENERATE_CANCEL = GENERATE + ".cancel";
    /** Opens a conversation-turn session (VAD + streaming recognition) in the speech verticle. */
    public static final String TURNS_OPEN = "perception.transcribe.turns.open";
    /** A turn session's own address is this prefix + its id (the open request replies it). */
    public static final String TURNS_SESSION = "perception.transcribe.turns.";
    /** Opens a streaming recognition session (vosk-server protocol) in the speech verticle. */
    public static final String TRANSCRIBE_STREAM_OPEN = "perception.transcribe.stream.open";
    /** A streaming recognition session's own address is this prefix + its id. */
    public static final String TRANSCRIBE_STREAM_SESSION = "perception.transcribe.stream.";
    /** Between a service address and a caller's id: where one streamed call's pieces go ({@link BusStream}). */
    public static final String STREAM_INFIX = ".stream.";

    /** A fresh private address for the pieces of one streamed call to {@code service}. */
    public static String streamAddress(String service) {
        return service + STREAM_INFIX + java.util.UUID.randomUUID();
    }

    private Bus() {
    }
}
