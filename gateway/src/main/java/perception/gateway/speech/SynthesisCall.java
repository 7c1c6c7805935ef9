package perception.gateway.speech;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import perception.gateway.core.BusStream;

/**
 * The caller's side of synthesizing one sentence by the speech verticle, for the realtime and
 * Wyoming conversations: a {@link BusStream} call to {@link SpeechFeature#SYNTHESIZE} whose pieces
 * are PCM16LE chunks. {@link #cancel} stops listening, which stops the synthesiser at its next chunk.
 */
public final class SynthesisCall {
    private final Vertx vertx;
    private BusStream call;

    public SynthesisCall(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Completes when the sentence has been synthesized; a cancelled one never completes (its owner has moved on). */
    public Future<Void> synthesize(String text, int sampleRate, double speed, Handler<byte[]> onPcm) {
        return synthesize(text, null, sampleRate, speed, onPcm);
    }

    /** With a voice resolved by {@link Voices} (null: the speech node's default). */
    public Future<Void> synthesize(String text, String voice, int sampleRate, double speed, Handler<byte[]> onPcm) {
        JsonObject request = new JsonObject().put("input", text).put("speed", speed).put("sample_rate", sampleRate);
        if (voice != null) request.put("voice", voice);
        call = BusStream.call(vertx, SpeechFeature.SYNTHESIZE, UUID.randomUUID().toString(), request, null, piece -> onPcm.handle(((Buffer) piece).getBytes()));
        return call.result().mapEmpty();
    }

    public void cancel() {
        if (call != null) call.cancel();
    }
}
