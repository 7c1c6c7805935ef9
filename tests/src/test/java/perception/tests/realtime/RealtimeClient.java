package perception.tests.realtime;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import perception.speech.Pcm16;
import perception.speech.Resampler;

/** A plain JDK WebSocket client of /v1/realtime that records every server event in arrival order. */
public final class RealtimeClient implements AutoCloseable {
    final List<JsonObject> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** System.nanoTime() when each event arrived (benchmarks time events that arrive while the client speaks). */
    private final java.util.Map<JsonObject, Long> arrivals = java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    private final BlockingQueue<JsonObject> queue = new LinkedBlockingQueue<>();
    private final WebSocket ws;

    public RealtimeClient(int port) throws Exception {
        ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/v1/realtime"), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            JsonObject e = new JsonObject(partial.toString());
                            partial.setLength(0);
                            arrivals.put(e, System.nanoTime());
                            events.add(e);
                            queue.add(e);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
    }

    public void send(JsonObject event) {
        ws.sendText(event.encode(), true).join();
    }

    void sendRaw(String text) {
        ws.sendText(text, true).join();
    }

    void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /**
     * Streams 16 kHz audio as 24 kHz PCM16 appends of 100 ms, paced in real time. Returns when each
     * append was sent (System.nanoTime()): chunk i holds 16 kHz samples [1600 i, 1600 (i + 1)).
     */
    public long[] speak(float[] audio16k) throws InterruptedException {
        float[] at24k = Resampler.resample(audio16k, 16000, 24000);
        int chunk = 2400;
        long[] sent = new long[(at24k.length + chunk - 1) / chunk];
        long start = System.nanoTime();
        for (int i = 0, n = 0; i < at24k.length; i += chunk, n++) {
            byte[] pcm = Pcm16.encode(at24k, i, Math.min(at24k.length, i + chunk));
            sent[n] = System.nanoTime();
            send(new JsonObject().put("type", "input_audio_buffer.append").put("audio", Base64.getEncoder().encodeToString(pcm)));
            long due = start + (n + 1) * 100_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        return sent;
    }

    /** When the event arrived (System.nanoTime()). */
    public long arrival(JsonObject event) {
        Long t = arrivals.get(event);
        if (t == null) throw new IllegalArgumentException("not an event of this client: " + event.encode());
        return t;
    }

    /** The events received so far, in arrival order. */
    public List<JsonObject> events() {
        return List.copyOf(events);
    }

    /** Waits for the next event (after those already taken) matching the predicate. */
    public JsonObject await(Predicate<JsonObject> match, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            long left = deadline - System.currentTimeMillis();
            JsonObject e = left > 0 ? queue.poll(left, TimeUnit.MILLISECONDS) : null;
            if (e == null) throw new AssertionError("no matching event within " + timeoutMs + " ms; events so far: " + types());
            if (match.test(e)) return e;
        }
    }

    public JsonObject await(String type, long timeoutMs) throws InterruptedException {
        return await(e -> type.equals(e.getString("type")), timeoutMs);
    }

    public List<String> types() {
        List<String> t = new ArrayList<>();
        for (JsonObject e : events) t.add(e.getString("type"));
        return t;
    }

    /** All audio deltas of one response, decoded. */
    public byte[] audioOf(String responseId) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (JsonObject e : events) {
            if ("response.output_audio.delta".equals(e.getString("type")) && responseId.equals(e.getString("response_id"))) {
                out.writeBytes(Base64.getDecoder().decode(e.getString("delta")));
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
    }
}
