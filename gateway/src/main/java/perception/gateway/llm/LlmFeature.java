package perception.gateway.llm;

import io.vertx.core.VerticleBase;
import java.util.Set;
import perception.gateway.core.Feature;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.RouteModule;

/** The llm sense: {@link LlmVerticle} (the chat backend behind the built-in assistant) and {@link LlmRoutes}, and its bus addresses. */
public final class LlmFeature implements Feature {
    /** A {@link perception.gateway.core.BusStream} call: {@link BusChat} request, text and tool-call pieces; see {@link GenerationCall}. */
    public static final String GENERATE = "perception.generate";
    /** Body: the id of a generate request to stop, sent before or while it runs. */
    public static final String GENERATE_CANCEL = GENERATE + ".cancel";
    private static final Set<String> ADDRESSES = Set.of(GENERATE);

    @Override
    public String name() {
        return "llm";
    }

    @Override
    public VerticleBase verticle(GatewayContext context) {
        return new LlmVerticle(context);
    }

    @Override
    public RouteModule routes() {
        return LlmRoutes::mount;
    }

    @Override
    public Set<String> addresses() {
        return ADDRESSES;
    }

    @Override
    public int order() {
        return 30;
    }
}
