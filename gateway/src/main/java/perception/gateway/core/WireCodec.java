package perception.gateway.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A bus codec that hands the object itself to a consumer in the same JVM (audio and frames are not
 * copied) and writes it to the wire for one on another node: its own binary form, or JSON (records
 * by their components) for results.
 */
public final class WireCodec<T> implements MessageCodec<T, T> {
    /** Records to and from JSON by their components; properties a newer node adds are ignored. */
    public static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Class<T> type;
    private final BiConsumer<Buffer, T> write;
    private final Function<Buffer, T> read;

    private WireCodec(Class<T> type, BiConsumer<Buffer, T> write, Function<Buffer, T> read) {
        this.type = type;
        this.write = write;
        this.read = read;
    }

    /** A codec with its own binary form: {@code write} appends to the buffer, {@code read} gets exactly what it wrote. */
    public static <T> WireCodec<T> of(Class<T> type, BiConsumer<Buffer, T> write, Function<Buffer, T> read) {
        return new WireCodec<>(type, write, read);
    }

    /** Makes the codec the one Vert.x uses for its type. */
    public void register(Vertx vertx) {
        vertx.eventBus().registerDefaultCodec(type, this);
    }

    /** A codec that writes the object as JSON. */
    public static <T> WireCodec<T> json(Class<T> type) {
        return of(type, (buffer, t) -> {
            try {
                buffer.appendBytes(JSON.writeValueAsBytes(t));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, buffer -> {
            try {
                return JSON.readValue(buffer.getBytes(), type);
            } catch (IOException e) {
                throw new UncheckedIOException("a " + type.getSimpleName() + " from another node could not be read: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void encodeToWire(Buffer buffer, T t) {
        Buffer body = Buffer.buffer();
        write.accept(body, t);
        buffer.appendInt(body.length()).appendBuffer(body);
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        return read.apply(buffer.getBuffer(pos + 4, pos + 4 + length));
    }

    @Override
    public T transform(T t) {
        return t;
    }

    @Override
    public String name() {
        return "wire:" + type.getName();
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
