package perception.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SceneTest {
    private static Frame solid(int w, int h, int b, int g, int r) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = (byte) b;
            px[i * 3 + 1] = (byte) g;
            px[i * 3 + 2] = (byte) r;
        }
        return new Frame(w, h, px);
    }

    @Test
    void namesColoursAndMeasuresBrightnessAndSharpness() throws Exception {
        Scene red = new SceneAnalyzer().analyze(solid(200, 100, 30, 30, 210));
        assertEquals("red", red.colours().get(0).name());
        assertEquals(1.0, red.colours().get(0).share(), 1e-9);
        assertEquals(0.0, red.sharpness(), 1e-9);
        assertTrue(new SceneAnalyzer().analyze(solid(50, 50, 250, 250, 250)).brightness() > 0.95);
        Scene photo = new SceneAnalyzer().analyze(TestModels.decode("dog.jpg"));
        assertTrue(photo.sharpness() > 100, "a sharp photo: " + photo);
    }

    @Test
    void sceneChangeFiresOnACutOnly() {
        SceneChangeDetector d = new SceneChangeDetector();
        assertFalse(d.next(solid(64, 64, 200, 80, 20)).changed());
        assertFalse(d.next(solid(64, 64, 205, 82, 22)).changed());
        assertTrue(d.next(solid(64, 64, 30, 140, 240)).changed());
    }

    @Test
    void describesInPlainEnglish() {
        Box b = new Box(0, 0, 10, 10);
        Analysis a = new Analysis(640, 480,
                List.of(new DetectedObject("person", 0.9, b), new DetectedObject("person", 0.8, b), new DetectedObject("dog", 0.8, b)),
                List.of(), List.of(new TextLine("EXIT", 0.99, b)),
                new Scene(640, 480, 0.5, 300, List.of(new NamedColour("green", "#30a040", 0.4))), Map.of("objects", 12.0));
        assertEquals("A photo of two people and a dog, mostly green. Text reads 'EXIT'.", Describer.describe(a));
        assertEquals("An image with no objects I can recognise.", Describer.describe(new Analysis(10, 10, List.of(), null, null, null, Map.of())));
        assertEquals("an umbrella", Describer.count("umbrella", 1));
        String prompt = a.toPromptText();
        assertTrue(prompt.startsWith("image 640x480; objects: person 0.90 [0,0,10,10]"), prompt);
        assertTrue(prompt.contains("text: \"EXIT\""), prompt);
    }

    @Test
    void runsOnlyTheRequestedAnalyzers() throws Exception {
        Analysis a = TestModels.vision().analyze(TestModels.decode("dog.jpg"), Set.of("objects", "scene"));
        assertNull(a.faces());
        assertNull(a.text());
        assertTrue(a.timingsMs().containsKey("objects") && a.timingsMs().containsKey("scene") && !a.timingsMs().containsKey("faces"));
        assertEquals("A photo of a bicycle, a car and a dog, mostly grey.", Describer.describe(a));
    }
}
