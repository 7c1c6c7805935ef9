package perception.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectDetectorTest {
    private static DetectedObject find(List<DetectedObject> objects, String label) {
        return objects.stream().filter(o -> o.label().equals(label)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + label + " in " + objects));
    }

    @Test
    void findsDogBicycleAndCarWhereTheyAre() throws Exception {
        Frame f = TestModels.decode("dog.jpg"); // 480×360
        List<DetectedObject> objects = TestModels.vision().objects().detect(f);
        DetectedObject dog = find(objects, "dog"), bike = find(objects, "bicycle"), car = find(objects, "car");
        assertTrue(dog.score() > 0.6 && bike.score() > 0.6 && car.score() > 0.6, objects.toString());
        // Hand-checked positions in the photo: the dog sits bottom-left, the bicycle across the
        // middle, the car top-right.
        assertTrue(dog.box().contains(140, 250) && dog.box().x() < 110 && dog.box().y2() > 320, dog.toString());
        assertTrue(bike.box().contains(200, 170) && bike.box().width() > 250, bike.toString());
        assertTrue(car.box().contains(360, 80) && car.box().x() > 260 && car.box().y2() < 130, car.toString());
        assertTrue(objects.stream().noneMatch(o -> o.label().equals("cat")), "one label per object: " + objects);
    }

    @Test
    void findsPersonDogAndHorse() throws Exception {
        Frame f = TestModels.decode("person.jpg");
        List<DetectedObject> objects = TestModels.vision().objects().detect(f);
        DetectedObject person = find(objects, "person"), dog = find(objects, "dog"), horse = find(objects, "horse");
        assertTrue(dog.box().x2() < person.box().x2() && person.box().x2() < horse.box().x2(), "dog, person, horse from left to right: " + objects);
        assertTrue(person.score() > 0.7 && dog.score() > 0.7 && horse.score() > 0.6, objects.toString());
    }

    /** The letterbox is undone: shifting the photo inside a larger canvas shifts every box by as much. */
    @Test
    void boxesFollowThePixels() throws Exception {
        Frame f = TestModels.decode("dog.jpg");
        int dx = 300, dy = 120, w = f.width() + 400, h = f.height() + 200;
        byte[] canvas = new byte[w * h * 3];
        java.util.Arrays.fill(canvas, (byte) 128);
        for (int y = 0; y < f.height(); y++) System.arraycopy(f.bgr(), y * f.width() * 3, canvas, ((y + dy) * w + dx) * 3, f.width() * 3);
        DetectedObject dog = find(TestModels.vision().objects().detect(f), "dog");
        DetectedObject shifted = find(TestModels.vision().objects().detect(new Frame(w, h, canvas)), "dog");
        double tolerance = 0.08 * dog.box().height();
        assertEquals(dog.box().x() + dx, shifted.box().x(), tolerance, shifted.toString());
        assertEquals(dog.box().y() + dy, shifted.box().y(), tolerance, shifted.toString());
        assertEquals(dog.box().x2() + dx, shifted.box().x2(), tolerance, shifted.toString());
        assertEquals(dog.box().y2() + dy, shifted.box().y2(), tolerance, shifted.toString());
    }

    @Test
    void labelsArePlainCocoNames() {
        List<String> labels = ObjectDetector.loadLabels();
        assertEquals(80, labels.size());
        assertEquals("person", labels.get(0));
        assertTrue(labels.contains("motorcycle") && labels.contains("tv") && !labels.contains("tvmonitor"));
    }
}
