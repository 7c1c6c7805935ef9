package perception.vision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FaceDetectorTest {
    /** A portrait: the close-up player's head cut out of messi5.jpg with a margin. */
    static Frame portrait() throws Exception {
        Frame f = TestModels.decode("messi5.jpg"); // face near (195..227, 85..116)
        int x0 = 150, y0 = 40, w = 120, h = 120;
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) System.arraycopy(f.bgr(), ((y + y0) * f.width() + x0) * 3, out, y * w * 3, w * 3);
        return new Frame(w, h, out);
    }

    @Test
    void findsTheFaceInAPortraitWithItsKeypoints() throws Exception {
        List<Face> faces = TestModels.vision().faces().detect(portrait());
        assertEquals(1, faces.size(), faces.toString());
        Face face = faces.get(0);
        assertTrue(face.score() > 0.7, face.toString());
        // Face at (45..77, 45..76) in the crop.
        assertTrue(face.box().contains(61, 60) && face.box().width() > 20 && face.box().width() < 60, face.toString());
        assertEquals(6, face.keypoints().size());
        for (Point p : face.keypoints().subList(0, 4)) assertTrue(face.box().contains(p.x(), p.y()), "eyes, nose, mouth inside the box: " + face);
        Point rightEye = face.keypoints().get(0), leftEye = face.keypoints().get(1), mouth = face.keypoints().get(3);
        assertTrue(mouth.y() > rightEye.y() && mouth.y() > leftEye.y(), "the mouth is below the eyes: " + face);
    }

    @Test
    void findsTheFaceInTheWholePhotoAtItsPlace() throws Exception {
        List<Face> faces = TestModels.vision().faces().detect(TestModels.decode("messi5.jpg"));
        assertTrue(faces.stream().anyMatch(f -> f.box().contains(211, 100)), faces.toString());
    }

    /** The front model (128², for faces near the camera, as in a selfie) finds the portrait's face too. */
    @Test
    void frontModelFindsTheCloseUpFace() throws Exception {
        try (OnnxModel front = OnnxModel.load("blazeface", TestModels.files().file(Analyzer.FACES, "front-128"), 0)) {
            List<Face> faces = new FaceDetector(front, 128).detect(portrait());
            assertEquals(1, faces.size(), faces.toString());
            assertTrue(faces.get(0).box().contains(61, 60), faces.toString());
        }
    }

    @Test
    void findsNoFaceInFruit() throws Exception {
        assertEquals(List.of(), TestModels.vision().faces().detect(TestModels.decode("fruits.jpg")));
    }

    @Test
    void hasMediaPipesAnchorLayout() {
        float[] a = FaceDetector.anchors();
        assertEquals(896 * 2, a.length);
        assertEquals(0.5f / 16, a[0], 1e-6);
        assertEquals(1 - 0.5f / 8, a[a.length - 1], 1e-6);
    }
}
