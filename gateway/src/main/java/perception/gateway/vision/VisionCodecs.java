package perception.gateway.vision;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.WeakHashMap;
import perception.gateway.core.WireCodec;
import perception.vision.SceneChangeDetector;
import perception.vision.VideoTimeline;

/**
 * Registers, once per Vert.x, the codecs of the vision bus messages: passed by reference on this
 * node (frames are not copied); to another node a frame travels as its encoded JPEG/PNG bytes plus
 * the scene detector's state, a video as its file's bytes, results as JSON.
 */
final class VisionCodecs {
    private static final Set<Vertx> REGISTERED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private VisionCodecs() {
    }

    static void register(Vertx vertx) {
        if (!REGISTERED.add(vertx)) return;
        IMAGE.register(vertx);
        VIDEO.register(vertx);
        RESULT.register(vertx);
        TIMELINE.register(vertx);
    }

    static final WireCodec<AnalyzeImage> IMAGE = WireCodec.of(AnalyzeImage.class, VisionCodecs::writeImage, VisionCodecs::readImage);
    static final WireCodec<AnalyzeVideo> VIDEO = WireCodec.of(AnalyzeVideo.class, VisionCodecs::writeVideo, VisionCodecs::readVideo);
    static final WireCodec<ImageResult> RESULT = WireCodec.json(ImageResult.class);
    static final WireCodec<VideoTimeline> TIMELINE = WireCodec.json(VideoTimeline.class);

    /** Header (analyzers, describe, scene threshold and state) as JSON, then the encoded image. */
    static void writeImage(Buffer out, AnalyzeImage job) {
        JsonObject head = new JsonObject().put("analyzers", new JsonArray(job.analyzers().stream().toList())).put("describe", job.describe());
        if (job.changes() != null) {
            head.put("scene_threshold", job.changes().threshold());
            byte[] state = job.changes().state();
            if (state != null) head.put("scene_state", state);
        }
        Buffer h = head.toBuffer();
        out.appendInt(h.length()).appendBuffer(h).appendBytes(job.bytes());
    }

    static AnalyzeImage readImage(Buffer in) {
        int n = in.getInt(0);
        JsonObject head = new JsonObject(in.getBuffer(4, 4 + n));
        SceneChangeDetector changes = null;
        if (head.containsKey("scene_threshold")) {
            changes = new SceneChangeDetector(head.getDouble("scene_threshold"));
            changes.restore(head.getBinary("scene_state"));
        }
        return new AnalyzeImage(in.getBytes(4 + n, in.length()), strings(head.getJsonArray("analyzers")), changes, head.getBoolean("describe"));
    }

    /** The file is read here (the worker cannot see the gateway's upload folder); bounded by max_body_mb. */
    static void writeVideo(Buffer out, AnalyzeVideo job) {
        byte[] data;
        try {
            data = job.data() != null ? job.data() : Files.readAllBytes(Path.of(job.path()));
        } catch (IOException e) {
            throw new UncheckedIOException("the uploaded video could not be read to send it to a worker: " + e.getMessage(), e);
        }
        Buffer h = new JsonObject().put("fps", job.fps()).put("analyzers", new JsonArray(job.analyzers().stream().toList())).toBuffer();
        out.appendInt(h.length()).appendBuffer(h).appendBytes(data);
    }

    static AnalyzeVideo readVideo(Buffer in) {
        int n = in.getInt(0);
        JsonObject head = new JsonObject(in.getBuffer(4, 4 + n));
        return new AnalyzeVideo(null, head.getDouble("fps"), strings(head.getJsonArray("analyzers")), in.getBytes(4 + n, in.length()));
    }

    private static Set<String> strings(JsonArray a) {
        Set<String> s = new LinkedHashSet<>();
        a.forEach(x -> s.add(String.valueOf(x)));
        return Collections.unmodifiableSet(s);
    }
}
