package perception.vision;

import java.util.List;

/**
 * One face: score (0–1), box and BlazeFace's six keypoints in this order: right eye, left eye, nose
 * tip, mouth, right ear tragion, left ear tragion (right/left as seen by the person).
 */
public record Face(double score, Box box, List<Point> keypoints) {
    public Face {
        keypoints = List.copyOf(keypoints);
    }
}
