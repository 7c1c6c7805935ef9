package perception.vision;

/** A point in the original image's pixel coordinates. */
public record Point(double x, double y) {
}
