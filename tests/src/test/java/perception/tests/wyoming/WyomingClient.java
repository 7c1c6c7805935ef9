package perception.tests.wyoming;

import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Wyoming client written from the protocol description (rhasspy/wyoming README), not from the
 * gateway's code, over a plain blocking {@link Socket}: each event is a JSON header line
 * {@code {"type", "data"?, "data_length"?, "payload_length"?}\n}, then data_length bytes of JSON
 * merged over the header's data, then payload_length bytes of payload.
 */
public final class WyomingClient implements AutoCloseable {
    public record Event(String type, JsonObject data, byte[] payload) {
        public String text() {
            return data.getString("text");
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final List<Event> received = new ArrayList<>();

    public WyomingClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(120_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        out = socket.getOutputStream();
    }

    /** Sends an event with its data after the header (data_length), as the library writes it. */
    public void send(String type, JsonObject data, byte[] payload) throws IOException {
        JsonObject header = new JsonObject().put("type", type).put("version", "1.7.2");
        byte[] json = data == null || data.isEmpty() ? new byte[0] : data.encode().getBytes(StandardCharsets.UTF_8);
        if (json.length > 0) header.put("data_length", json.length);
        if (payload != null && payload.length > 0) header.put("payload_length", payload.length);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes((header.encode() + "\n").getBytes(StandardCharsets.UTF_8));
        frame.writeBytes(json);
        if (payload != null) frame.writeBytes(payload);
        out.write(frame.toByteArray());
        out.flush();
    }

    public void send(String type, JsonObject data) throws IOException {
        send(type, data, null);
    }

    /** Sends an event with its data inside the header line, as older library versions did. */
    public void sendInline(String type, JsonObject data) throws IOException {
        sendRaw((new JsonObject().put("type", type).put("data", data).encode() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends audio-chunk events of {@code chunkBytes} each. */
    public void sendAudio(byte[] pcm, int rate, int width, int channels, int chunkBytes) throws IOException {
        JsonObject format = format(rate, width, channels);
        for (int i = 0; i < pcm.length; i += chunkBytes) {
            send("audio-chunk", format, java.util.Arrays.copyOfRange(pcm, i, Math.min(pcm.length, i + chunkBytes)));
        }
    }

    public static JsonObject format(int rate, int width, int channels) {
        return new JsonObject().put("rate", rate).put("width", width).put("channels", channels);
    }

    /** The next event, or null when the server closed the connection. */
    public Event read() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b;
            try {
                b = in.read();
            } catch (SocketException e) {
                return null; // reset by the server: closed
            }
            if (b < 0) {
                if (line.size() == 0) return null;
                throw new EOFException("connection closed inside a header: " + line);
            }
            if (b == '\n') break;
            line.write(b);
            if (line.size() > 1 << 20) throw new IOException("header line over 1 MiB");
        }
        JsonObject header = new JsonObject(line.toString(StandardCharsets.UTF_8));
        JsonObject data = header.getJsonObject("data", new JsonObject());
        int dataLength = header.getInteger("data_length", 0);
        if (dataLength > 0) {
            byte[] extra = new byte[dataLength];
            in.readFully(extra);
            data.mergeIn(new JsonObject(new String(extra, StandardCharsets.UTF_8)));
        }
        byte[] payload = new byte[header.getInteger("payload_length", 0)];
        in.readFully(payload);
        Event e = new Event(header.getString("type"), data, payload);
        received.add(e);
        return e;
    }

    /** Reads until an event of this type (returned); fails if the connection closes first. */
    public Event await(String type) throws IOException {
        while (true) {
            Event e = read();
            if (e == null) throw new EOFException("connection closed before '" + type + "'; received " + types());
            if (e.type().equals(type)) return e;
        }
    }

    /** Every event read so far, in order. */
    public List<Event> received() {
        return received;
    }

    public List<String> types() {
        return received.stream().map(Event::type).toList();
    }

    /** The bytes of the payloads of all received audio-chunks. */
    public byte[] audio() {
        ByteArrayOutputStream pcm = new ByteArrayOutputStream();
        received.stream().filter(e -> e.type().equals("audio-chunk")).forEach(e -> pcm.writeBytes(e.payload()));
        return pcm.toByteArray();
    }

    /** Transcribes PCM in one request: transcribe, audio-start, audio-chunks, audio-stop; returns the transcript event. */
    public Event transcribe(byte[] pcm, int rate, int width, int channels, int chunkBytes) throws IOException {
        send("transcribe", new JsonObject().put("language", "en"));
        send("audio-start", format(rate, width, channels));
        sendAudio(pcm, rate, width, channels, chunkBytes);
        send("audio-stop", null);
        return await("transcript");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
