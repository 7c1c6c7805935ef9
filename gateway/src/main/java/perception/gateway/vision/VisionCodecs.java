package perception.gateway.vision;

import io.vertx.core.Vertx;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import perception.gateway.core.Bus;
import perception.vision.VideoTimeline;

/** Registers, once per Vert.x, the local codecs of the vision bus messages (frames are not copied). */
final class VisionCodecs {
    private static final Set<Vertx> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private VisionCodecs() {
    }

    static void register(Vertx vertx) {
        if (!REGISTERED.add(vertx)) return;
        Bus.registerLocalCodec(vertx, AnalyzeImage.class);
        Bus.registerLocalCodec(vertx, AnalyzeVideo.class);
        Bus.registerLocalCodec(vertx, ImageResult.class);
        Bus.registerLocalCodec(vertx, VideoTimeline.class);
    }
}
