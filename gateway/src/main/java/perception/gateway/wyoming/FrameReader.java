package perception.gateway.wyoming;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.function.Consumer;
import perception.gateway.core.ApiError;

/**
 * Splits a byte stream into Wyoming events, with every size bounded before it is buffered: the
 * header line ({@link #MAX_HEADER}), the extra JSON data ({@link #MAX_DATA}) and the payload
 * ({@link #MAX_PAYLOAD}). A header must start with '{', so binary sent where a header belongs is
 * refused at its first byte rather than after a newline happens to arrive. The first malformed
 * frame is reported once and everything after it is ignored: the stream cannot be resynchronised.
 */
final class FrameReader {
    static final int MAX_HEADER = 64 * 1024;
    static final int MAX_DATA = 256 * 1024;
    static final int MAX_PAYLOAD = 1024 * 1024;
    static final int MAX_TYPE = 64;

    private final Consumer<WyomingEvent> onEvent;
    private final Consumer<ApiError> onMalformed;
    private Buffer buffer = Buffer.buffer();
    private int pos;
    private boolean failed;
    private int scanned;      // bytes of the current header line already searched for its newline
    private boolean opened;   // the current header line's '{' has been seen
    // the event being read: its header is in, its data and payload may not be
    private String type;
    private JsonObject data;
    private int dataLength = -1;
    private int payloadLength = -1;

    FrameReader(Consumer<WyomingEvent> onEvent, Consumer<ApiError> onMalformed) {
        this.onEvent = onEvent;
        this.onMalformed = onMalformed;
    }

    void feed(Buffer chunk) {
        if (failed) return;
        if (pos > 0) { // drop what was consumed; appending alone keeps a long payload's arrival linear
            buffer = buffer.getBuffer(pos, buffer.length());
            pos = 0;
        }
        buffer.appendBuffer(chunk);
        try {
            while (!failed && step()) {
                // one part of an event per step
            }
        } catch (ApiError e) {
            failed = true;
            onMalformed.accept(e);
        }
    }

    /** Consumes one header, data block or payload if it is complete; false when more bytes are needed. */
    private boolean step() {
        if (type == null) return header();
        if (dataLength > 0) {
            if (buffer.length() - pos < dataLength) return false;
            JsonObject extra = object(buffer.getString(pos, pos + dataLength, "UTF-8"), "data");
            pos += dataLength;
            dataLength = 0;
            data.mergeIn(extra);
            return true;
        }
        Buffer payload = null;
        if (payloadLength > 0) {
            if (buffer.length() - pos < payloadLength) return false;
            payload = buffer.getBuffer(pos, pos + payloadLength);
            pos += payloadLength;
        }
        WyomingEvent event = new WyomingEvent(type, data, payload);
        type = null;
        onEvent.accept(event);
        return true;
    }

    private boolean header() {
        int end = -1;
        for (int i = pos + scanned; i < buffer.length(); i++) {
            byte b = buffer.getByte(i);
            if (b == '\n') {
                end = i;
                break;
            }
            if (i - pos >= MAX_HEADER) {
                throw malformed("header_too_long", "a header line is longer than " + MAX_HEADER + " bytes; put large data after it with data_length");
            }
            if (!opened && b != ' ' && b != '\t' && b != '\r') {
                if (b != '{') {
                    throw malformed("invalid_header", String.format("expected a JSON header line starting with '{', got byte 0x%02x: "
                            + "send {\"type\":...,\"data_length\":N,\"payload_length\":M} and a newline before any binary payload", b & 0xff));
                }
                opened = true;
            }
        }
        if (end < 0) {
            scanned = buffer.length() - pos; // resume the newline search here: a slow header costs linear time
            return false;
        }
        scanned = 0;
        opened = false;
        JsonObject header = object(buffer.getString(pos, end, "UTF-8"), "header");
        pos = end + 1;
        Object t = header.getValue("type");
        if (!(t instanceof String s) || s.isBlank() || s.length() > MAX_TYPE) {
            throw malformed("invalid_header", "the header needs \"type\": a non-empty string of at most " + MAX_TYPE + " characters");
        }
        Object d = header.getValue("data");
        if (d != null && !(d instanceof JsonObject)) throw malformed("invalid_header", "\"data\" in the header must be a JSON object");
        dataLength = length(header, "data_length", MAX_DATA);
        payloadLength = length(header, "payload_length", MAX_PAYLOAD);
        data = d == null ? new JsonObject() : ((JsonObject) d).copy();
        type = s;
        return true;
    }

    /** A non-negative whole number no larger than max; 0 when absent or null. */
    private static int length(JsonObject header, String key, int max) {
        Object v = header.getValue(key);
        if (v == null) return 0;
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 0) {
            throw malformed("invalid_header", "\"" + key + "\" must be a whole number of bytes, got " + v);
        }
        if (n.doubleValue() > max) {
            throw malformed(key.equals("data_length") ? "data_too_long" : "payload_too_long",
                    key + " " + n.longValue() + " is over the limit of " + max + " bytes: send audio in smaller chunks");
        }
        return n.intValue();
    }

    private static JsonObject object(String json, String what) {
        try {
            return new JsonObject(json);
        } catch (DecodeException | ClassCastException e) {
            throw malformed("invalid_" + what, "the " + what + " is not a JSON object: " + abbreviate(json));
        }
    }

    private static String abbreviate(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 80 ? t.substring(0, 80) + "..." : t;
    }

    static ApiError malformed(String code, String message) {
        return ApiError.badRequest(code, message);
    }
}
