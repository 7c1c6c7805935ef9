package perception.gateway.vision;

import io.vertx.core.VerticleBase;
import java.util.Set;
import perception.gateway.core.Feature;
import perception.gateway.core.GatewayContext;
import perception.gateway.core.RouteModule;

/** The vision sense: {@link VisionVerticle} (the ONNX analyzers) and {@link VisionRoutes}, and its bus address. */
public final class VisionFeature implements Feature {
    /** {@link AnalyzeImage} or {@link AnalyzeVideo} requests; also how the LLM and realtime see a picture. */
    public static final String ANALYZE = "perception.analyze";
    private static final Set<String> ADDRESSES = Set.of(ANALYZE);

    @Override
    public String name() {
        return "vision";
    }

    @Override
    public VerticleBase verticle(GatewayContext context) {
        return new VisionVerticle(context);
    }

    @Override
    public RouteModule routes() {
        return VisionRoutes::mount;
    }

    @Override
    public Set<String> addresses() {
        return ADDRESSES;
    }

    @Override
    public int order() {
        return 20;
    }
}
