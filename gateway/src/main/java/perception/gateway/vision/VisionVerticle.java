package perception.gateway.vision;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import perception.gateway.GatewayContext;
import perception.gateway.ModelLoader;

/** The eyes: loads the enabled vision analyzers' ONNX models and serves them on the bus. */
public final class VisionVerticle extends VerticleBase {
    private final GatewayContext context;
    private final List<OrtSession> sessions = new ArrayList<>();

    public VisionVerticle(GatewayContext context) {
        this.context = context;
    }

    @Override
    public Future<?> start() {
        var analyzers = context.config().analyzers();
        Path dir = context.config().modelsDir();
        List<Future<?>> loads = new ArrayList<>();
        if (analyzers.contains("objects")) loads.add(session("yolox-nano", "object-detection", dir.resolve("yolox/yolox_nano.onnx")));
        if (analyzers.contains("faces")) loads.add(session("blazeface", "face-detection", dir.resolve("blazeface/face_detection_back_256x256.onnx")));
        if (analyzers.contains("text")) {
            loads.add(session("ppocr-v4-det", "text-detection", dir.resolve("ppocr/det.onnx")));
            loads.add(session("ppocr-v4-rec", "text-recognition", dir.resolve("ppocr/rec.onnx")));
        }
        return Future.all(loads);
    }

    private Future<OrtSession> session(String id, String task, Path file) {
        return ModelLoader.load(context, id, task, file,
                () -> OrtEnvironment.getEnvironment().createSession(file.toString(), new OrtSession.SessionOptions()))
                .onSuccess(s -> {
                    synchronized (sessions) {
                        sessions.add(s);
                    }
                });
    }

    @Override
    public Future<?> stop() throws Exception {
        for (OrtSession s : sessions) s.close();
        return Future.succeededFuture();
    }
}
