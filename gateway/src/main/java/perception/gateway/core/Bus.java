package perception.gateway.core;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Event-bus addresses of the senses. HTTP and WebSocket verticles reach the models only through
 * these, so a cluster can move a sense to another node without code changes.
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

    /**
     * Registers a codec that hands the object itself to local consumers: audio and frames are not
     * copied on the way to a verticle in the same JVM. Such types are local-only; messages that must
     * cross a cluster are sent as JSON or Buffer instead.
     */
    public static <T> void registerLocalCodec(Vertx vertx, Class<T> type) {
        vertx.eventBus().registerDefaultCodec(type, new LocalCodec<>(type));
    }

    static final class LocalCodec<T> implements MessageCodec<T, T> {
        private final Class<T> type;

        LocalCodec(Class<T> type) {
            this.type = type;
        }

        @Override
        public void encodeToWire(Buffer buffer, T t) {
            throw new UnsupportedOperationException(type.getName() + " is passed by reference and is local-only");
        }

        @Override
        public T decodeFromWire(int pos, Buffer buffer) {
            throw new UnsupportedOperationException(type.getName() + " is passed by reference and is local-only");
        }

        @Override
        public T transform(T t) {
            return t;
        }

        @Override
        public String name() {
            return "local:" + type.getName();
        }

        @Override
        public byte systemCodecID() {
            return -1;
        }
    }
}
