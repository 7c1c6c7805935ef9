package perception.gateway.speech;

import io.vertx.core.VerticleBase;
import java.util.Set;
import perception.gateway.core.Feature;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.RouteModule;

/**
 * The speech sense: {@link SpeechVerticle} (Vosk, FreeTTS, Silero VAD) and {@link SpeechRoutes}.
 * Its event-bus addresses live here, beside the sense that serves them; callers in other packages
 * (realtime, wyoming) name them from here.
 */
public final class SpeechFeature implements Feature {
    public static final String TRANSCRIBE = "perception.transcribe";
    public static final String SYNTHESIZE = "perception.synthesize";
    /** Opens a conversation-turn session (VAD + streaming recognition): {@link TurnService}. */
    public static final String TURNS_OPEN = "perception.transcribe.turns.open";
    /** A turn session's own address is this prefix + its id (the open request replies it). */
    public static final String TURNS_SESSION = "perception.transcribe.turns.";
    /** Opens a streaming recognition session (vosk-server protocol). */
    public static final String TRANSCRIBE_STREAM_OPEN = "perception.transcribe.stream.open";
    /** A streaming recognition session's own address is this prefix + its id. */
    public static final String TRANSCRIBE_STREAM_SESSION = "perception.transcribe.stream.";
    private static final Set<String> ADDRESSES = Set.of(TRANSCRIBE, SYNTHESIZE, TURNS_OPEN, TRANSCRIBE_STREAM_OPEN);

    @Override
    public String name() {
        return "speech";
    }

    @Override
    public VerticleBase verticle(GatewayContext context) {
        return new SpeechVerticle(context);
    }

    @Override
    public RouteModule routes() {
        return SpeechRoutes::mount;
    }

    @Override
    public Set<String> addresses() {
        return ADDRESSES;
    }

    @Override
    public int order() {
        return 10;
    }
}
