package perception.gateway.wyoming;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One Wyoming event: a type, a JSON data object and an optional binary payload. On the wire it is
 * a header line {@code {"type","version","data_length"?,"payload_length"?}\n}, then data_length
 * bytes of JSON data, then payload_length bytes of payload, as the rhasspy/wyoming library writes it.
 */
record WyomingEvent(String type, JsonObject data, Buffer payload) {
    /** The protocol version written in every header (the library version whose events we speak). */
    static final String VERSION = "1.7.2";

    WyomingEvent {
        if (data == null) data = new JsonObject();
    }

    static WyomingEvent of(String type, JsonObject data) {
        return new WyomingEvent(type, data, null);
    }

    static WyomingEvent of(String type) {
        return new WyomingEvent(type, null, null);
    }

    Buffer encode() {
        JsonObject header = new JsonObject().put("type", type).put("version", VERSION);
        byte[] json = data.isEmpty() ? null : data.encode().getBytes(StandardCharsets.UTF_8);
        if (json != null) header.put("data_length", json.length);
        if (payload != null && payload.length() > 0) header.put("payload_length", payload.length());
        Buffer out = Buffer.buffer(header.encode()).appendByte((byte) '\n');
        if (json != null) out.appendBytes(json);
        if (payload != null) out.appendBuffer(payload);
        return out;
    }
}
