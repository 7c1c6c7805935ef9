package perception.gateway.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import perception.gateway.core.WireCodec;
import perception.vision.Analysis;
import perception.vision.Box;
import perception.vision.DetectedObject;
import perception.vision.Face;
import perception.vision.NamedColour;
import perception.vision.Point;
import perception.vision.Scene;
import perception.vision.SceneChangeDetector;
import perception.vision.TextLine;
import perception.vision.VideoTimeline;

/** The vision bus messages cross to another node intact, and stay the same object on this one. */
class VisionCodecsTest {
    /** What a consumer on another node gets: the bytes Vert.x writes, read back at an offset as on the wire. */
    static <T> T overTheWire(WireCodec<T> codec, T value) {
        Buffer wire = Buffer.buffer().appendString("header");
        codec.encodeToWire(wire, value);
        assertSame(value, codec.transform(value), "a consumer on this node gets the object itself");
        return codec.decodeFromWire(6, wire);
    }

    static Analysis analysis() {
        return new Analysis(640, 480, List.of(new DetectedObject("dog", 0.86, new Box(130, 220, 180, 320))),
                List.of(new Face(0.9, new Box(10, 20, 30, 40), List.of(new Point(15, 25), new Point(35, 25)))),
                List.of(new TextLine("EXIT", 0.98, new Box(1, 2, 3, 4))),
                new Scene(640, 480, 0.5, 120.0, List.of(new NamedColour("green", "#00ff00", 0.4))), Map.of("objects", 12.5));
    }

    @Test
    void aFrameCarriesItsBytesAndTheSceneDetectorsState() throws Exception {
        SceneChangeDetector changes = new SceneChangeDetector(0.3);
        byte[] state = new byte[32 * 32 + 64 * 8];
        state[5] = 7;
        changes.restore(state);
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, 1, 2, 3};
        AnalyzeImage sent = new AnalyzeImage(jpeg, Set.of("objects", "faces"), changes, true);
        AnalyzeImage got = overTheWire(VisionCodecs.IMAGE, sent);
        assertArrayEquals(jpeg, got.bytes());
        assertEquals(Set.of("objects", "faces"), got.analyzers());
        assertEquals(true, got.describe());
        assertEquals(0.3, got.changes().threshold());
        assertArrayEquals(state, got.changes().state());
        assertNull(overTheWire(VisionCodecs.IMAGE, new AnalyzeImage(jpeg, Set.of(), null, false)).changes());
    }

    @Test
    void resultsTravelAsJsonAndComeBackEqual() {
        ImageResult result = new ImageResult(analysis(), "A dog.", new SceneChangeDetector.Change(0.4, true), 3.5, new byte[] {1, 2});
        ImageResult got = overTheWire(VisionCodecs.RESULT, result);
        assertEquals(result.analysis(), got.analysis());
        assertEquals(result.description(), got.description());
        assertEquals(result.change(), got.change());
        assertArrayEquals(result.changeState(), got.changeState());
        VideoTimeline timeline = new VideoTimeline(2.0, 1.0, List.of(new VideoTimeline.Entry(0, 0.0, analysis(), 0.0, false)), List.of(1.0), "a dog");
        assertEquals(timeline, overTheWire(VisionCodecs.TIMELINE, timeline));
    }

    @Test
    void aVideoIsSentAsItsFileContent() throws Exception {
        Path file = Files.createTempFile("codec-video", ".mp4");
        Files.write(file, new byte[] {9, 8, 7});
        AnalyzeVideo got = overTheWire(VisionCodecs.VIDEO, new AnalyzeVideo(file.toString(), 2.0, Set.of("objects")));
        assertArrayEquals(new byte[] {9, 8, 7}, got.data());
        assertEquals(2.0, got.fps());
        assertEquals(Set.of("objects"), got.analyzers());
        Files.delete(file);
    }

    @Test
    void theJsonMapperReadsWhatItWrites() throws Exception {
        assertEquals(analysis(), WireCodec.JSON.readValue(WireCodec.JSON.writeValueAsBytes(analysis()), Analysis.class));
    }
}
