package perception.gateway.realtime;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import perception.gateway.core.Bus;

/**
 * Speaks one sentence through the speech verticle ({@link Bus#SYNTHESIZE}): PCM16LE chunks arrive
 * on a private stream address as they are made. {@link #cancel} makes the next chunk's delivery
 * fail, which stops the synthesiser.
 */
public final class Speaker {
    private final Vertx vertx;
    private MessageConsumer<Buffer> chunks;
    private boolean cancelled;

    public Speaker(Vertx vertx) {
        this.vertx = vertx;
    }

    public Future<Void> speak(String text, int sampleRate, double speed, Handler<byte[]> onPcm) {
        String stream = Bus.SYNTHESIZE + ".stream." + UUID.randomUUID();
        chunks = vertx.eventBus().consumer(stream);
        chunks.handler((Message<Buffer> m) -> {
            if (cancelled) {
                m.fail(499, "cancelled");
                return;
            }
            onPcm.handle(m.body().getBytes());
            m.reply(null);
        });
        JsonObject request = new JsonObject().put("input", text).put("speed", speed).put("sample_rate", sampleRate).put("stream", stream);
        return chunks.completion()
                .compose(v -> perception.gateway.core.Workers.<JsonObject>request(vertx, Bus.SYNTHESIZE, request, new DeliveryOptions().setSendTimeout(120_000), false))
                .<Void>mapEmpty()
                .eventually(() -> chunks.unregister());
    }

    public void cancel() {
        cancelled = true;
        if (chunks != null) chunks.unregister();
    }
}
