package perception.gateway.core;

import io.vertx.core.VerticleBase;
import java.util.Set;

/**
 * One feature of the gateway, described by a class named {@code <Name>Feature} in its own package
 * (perception.gateway.&lt;name&gt;). A sense (speech, vision, llm) has a model side: a verticle that
 * loads its models and serves its bus addresses; a client-side feature (realtime, web) only mounts
 * routes. The gateway finds every implementation itself ({@link Features}), so adding a feature is
 * adding its package: no list in the gateway to edit.
 */
public interface Feature {
    /** Its name; for a sense, the word in the {@code senses} setting ("speech"). */
    String name();

    /**
     * The verticle that loads its models and serves {@link #addresses()}, deployed only on nodes that
     * serve this sense; its blocking work runs on the worker pool named after the sense (made at
     * start-up for every sense). Null when the feature has no model side.
     */
    default VerticleBase verticle(GatewayContext context) {
        return null;
    }

    /** Its HTTP and WebSocket routes, which reach its verticle only over the bus; null when it has none. */
    default RouteModule routes() {
        return null;
    }

    /**
     * The request addresses its verticle serves ({@code Workers.serve}): on a cluster a request is
     * routed by asking which sense serves its address, and a feature that lists none is no sense.
     */
    default Set<String> addresses() {
        return Set.of();
    }

    /** Mounting (and deployment) order, lowest first: routes that take the rest of a path space mount last. */
    default int order() {
        return 0;
    }
}
