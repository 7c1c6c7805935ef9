package perception.vision;

/** One object found by the object detector: a COCO label, its score (0–1) and box. */
public record DetectedObject(String label, double score, Box box) {
}
