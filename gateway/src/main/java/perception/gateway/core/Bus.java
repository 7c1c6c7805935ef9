package perception.gateway.core;

/**
 * What every event-bus address shares. Each sense's own addresses are constants of its
 * {@link Feature} class ({@code SpeechFeature.TRANSCRIBE}, ...), beside the verticle that serves
 * them. HTTP and WebSocket code reaches the models only through those addresses, so a cluster can
 * move a sense to another node without code changes (the types that cross the bus have wire forms:
 * {@link WireCodec}).
 */
public final class Bus {
    /** Between a service address and a caller's id: where one streamed call's pieces go ({@link BusStream}). */
    public static final String STREAM_INFIX = ".stream.";

    /** A fresh private address for the pieces of one streamed call to {@code service}. */
    public static String streamAddress(String service) {
        return service + STREAM_INFIX + java.util.UUID.randomUUID();
    }

    private Bus() {
    }
}
