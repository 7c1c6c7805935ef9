package perception.gateway.wyoming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import perception.gateway.core.ApiError;
import perception.gateway.core.GatewayConfig;

/** The frame reader against TCP's arbitrary segmentation and hostile sizes; the converter's sample formats; the settings. */
class FrameReaderTest {
    final List<WyomingEvent> events = new ArrayList<>();
    final List<ApiError> errors = new ArrayList<>();
    final FrameReader reader = new FrameReader(events::add, errors::add);

    static Buffer frames() {
        byte[] payload = new byte[5000];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 7);
        return Buffer.buffer()
                .appendBuffer(WyomingEvent.of("describe").encode())
                .appendBuffer(new WyomingEvent("audio-chunk", new JsonObject().put("rate", 16000).put("width", 2).put("channels", 1), Buffer.buffer(payload)).encode())
                .appendString("{\"type\":\"synthesize\",\"data\":{\"text\":\"héllo\",\"voice\":{\"name\":\"a\"}},\"data_length\":22}\n")
                .appendString("{\"voice\":{\"name\":\"b\"}}\n".substring(0, 22));
    }

    @Test
    void eventsSurviveAnySegmentation() {
        Buffer all = frames();
        for (int step : new int[] {1, 2, 3, 7, 64, 1000, all.length()}) {
            events.clear();
            for (int i = 0; i < all.length(); i += step) reader.feed(all.getBuffer(i, Math.min(all.length(), i + step)));
            assertEquals(List.of("describe", "audio-chunk", "synthesize"), events.stream().map(WyomingEvent::type).toList(), "step " + step);
            assertEquals(5000, events.get(1).payload().length());
            assertEquals((byte) (4999 * 7), events.get(1).payload().getByte(4999));
            assertEquals(16000, events.get(1).data().getInteger("rate"));
            JsonObject synth = events.get(2).data();
            assertEquals("héllo", synth.getString("text"), "header data kept");
            assertEquals("b", synth.getJsonObject("voice").getString("name"), "data_length data merged over the header's");
            assertNull(events.get(0).payload());
        }
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void hostileFramesAreRefusedBeforeTheyAreBuffered() {
        assertEquals("payload_too_long", refuse("{\"type\":\"audio-chunk\",\"payload_length\":99999999999}\n"));
        assertEquals("data_too_long", refuse("{\"type\":\"x\",\"data_length\":" + (FrameReader.MAX_DATA + 1) + "}\n"));
        assertEquals("invalid_header", refuse("{\"type\":\"x\",\"payload_length\":-1}\n"));
        assertEquals("invalid_header", refuse("{\"type\":\"x\",\"payload_length\":1.5}\n"));
        assertEquals("invalid_header", refuse("{\"type\":\"x\",\"data\":[1]}\n"));
        assertEquals("invalid_header", refuse("{\"data\":{}}\n"));
        assertEquals("invalid_header", refuse("[1,2]\n"));
        assertEquals("invalid_header", refuse("\u0000\u0001 binary"), "refused at the first byte, before any newline");
        assertEquals("invalid_data", refuse("{\"type\":\"x\",\"data_length\":3}\n[1]"));
        assertEquals("header_too_long", refuse("{\"type\":\"" + "a".repeat(FrameReader.MAX_HEADER + 10)));
    }

    @Test
    void nothingIsReadAfterTheFirstMalformedFrame() {
        reader.feed(Buffer.buffer("{bad json}\n" + "{\"type\":\"describe\"}\n"));
        assertEquals(1, errors.size());
        reader.feed(Buffer.buffer("{\"type\":\"describe\"}\n"));
        assertTrue(events.isEmpty());
        assertEquals(1, errors.size());
    }

    String refuse(String bytes) {
        List<ApiError> e = new ArrayList<>();
        List<WyomingEvent> ok = new ArrayList<>();
        new FrameReader(ok::add, e::add).feed(Buffer.buffer(bytes.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, e.size(), "one error for " + bytes.substring(0, Math.min(40, bytes.length())) + "; events " + ok);
        assertTrue(ok.isEmpty());
        return e.get(0).code();
    }

    @Test
    void everySampleFormatBecomes16kMono() {
        AudioConverter c = new AudioConverter();
        // 8-bit signed stereo at 16 kHz: left 64, right 0 -> 32/128
        byte[] out = c.convert(new AudioConverter.Format(16000, 1, 2), new byte[] {64, 0, 64, 0});
        assertArrayEquals(new byte[] {0, 0x20, 0, 0x20}, out, "0.25 = 0x2000");
        // 24-bit mono: 0x400000 = 0.5
        out = new AudioConverter().convert(new AudioConverter.Format(16000, 3, 1), new byte[] {0, 0, 0x40});
        assertArrayEquals(new byte[] {0, 0x40}, out);
        // 32-bit mono: -0.5
        out = new AudioConverter().convert(new AudioConverter.Format(16000, 4, 1), new byte[] {0, 0, 0, (byte) 0xC0});
        assertArrayEquals(new byte[] {0, (byte) 0xC0}, out);
        // 48 kHz -> 16 kHz: a third of the samples, once the stream is flushed
        AudioConverter r = new AudioConverter();
        int n = r.convert(new AudioConverter.Format(48000, 2, 1), new byte[48000 * 2]).length + r.flush().length;
        assertEquals(16000 * 2, n);
        assertEquals(1.0, r.seconds(), 1e-9);
        ApiError odd = assertThrows(ApiError.class, () -> new AudioConverter().convert(new AudioConverter.Format(16000, 2, 2), new byte[6]));
        assertEquals("invalid_audio", odd.code());
        assertThrows(ApiError.class, () -> AudioConverter.Format.of(new JsonObject().put("rate", 4000).put("width", 2).put("channels", 1)));
        assertThrows(ApiError.class, () -> AudioConverter.Format.of(new JsonObject().put("rate", 16000).put("width", 5).put("channels", 1)));
    }

    @Test
    void theServerIsOffUnlessItsPortIsSet() {
        assertNull(GatewayConfig.load(new String[0], Map.of()).wyomingPort());
        var open = assertThrows(GatewayConfig.ConfigException.class, () -> GatewayConfig.load(new String[] {"--wyoming-port", "10300"},
                Map.of("GATEWAY_HOST", "0.0.0.0", "GATEWAY_API_KEYS", "k")));
        assertTrue(open.getMessage().contains("carries no API keys"), open.getMessage());
        GatewayConfig on = GatewayConfig.load(new String[] {"--wyoming-port", "10300"},
                Map.of("GATEWAY_HOST", "0.0.0.0", "GATEWAY_API_KEYS", "k", "GATEWAY_ALLOW_OPEN_BIND", "true"));
        assertEquals(10300, on.wyomingPort());
        assertEquals("0.0.0.0", on.wyomingHost(), "defaults to host");
        assertEquals("127.0.0.1", GatewayConfig.load(new String[0], Map.of("GATEWAY_WYOMING_PORT", "0", "GATEWAY_WYOMING_HOST", "127.0.0.1")).wyomingHost());
        var bad = assertThrows(GatewayConfig.ConfigException.class, () -> GatewayConfig.load(new String[] {"--wyoming-port", "70000"}, Map.of()));
        assertTrue(bad.getMessage().contains("GATEWAY_WYOMING_PORT"), bad.getMessage());
    }
}
