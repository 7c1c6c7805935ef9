package perception.gateway.speech;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.sun.speech.freetts.Voice;
import com.sun.speech.freetts.VoiceManager;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.vosk.LibVosk;
import org.vosk.LogLevel;
import org.vosk.Model;
import perception.gateway.GatewayContext;
import perception.gateway.ModelLoader;

/** The ears and the voice: loads Vosk, FreeTTS and Silero VAD, and serves them on the bus. */
public final class SpeechVerticle extends VerticleBase {
    private final GatewayContext context;
    private Model vosk;
    private Voice voice;
    private OrtSession vad;

    public SpeechVerticle(GatewayContext context) {
        this.context = context;
    }

    @Override
    public Future<?> start() {
        if (!context.config().speechEnabled()) return Future.succeededFuture();
        var dir = context.config().modelsDir();
        LibVosk.setLogLevel(LogLevel.WARNINGS);
        return Future.all(
                ModelLoader.load(context, "vosk-en", "speech-recognition", dir.resolve("vosk-en"),
                        () -> new Model(dir.resolve("vosk-en").toString())).onSuccess(m -> vosk = m),
                ModelLoader.load(context, "freetts-kevin16", "speech-synthesis", null, () -> {
                    System.setProperty("freetts.voices", "com.sun.speech.freetts.en.us.cmu_us_kal.KevinVoiceDirectory");
                    Voice v = VoiceManager.getInstance().getVoice("kevin16");
                    v.allocate();
                    return v;
                }).onSuccess(v -> voice = v),
                ModelLoader.load(context, "silero-vad", "voice-activity", dir.resolve("silero-vad/silero_vad_v5.onnx"),
                        () -> OrtEnvironment.getEnvironment().createSession(dir.resolve("silero-vad/silero_vad_v5.onnx").toString()))
                        .onSuccess(s -> vad = s));
    }

    @Override
    public Future<?> stop() throws Exception {
        if (vosk != null) vosk.close();
        if (voice != null) voice.deallocate();
        if (vad != null) vad.close();
        return Future.succeededFuture();
    }
}
