package perception.vision;

/** One line of text read from the image, with the recogniser's mean confidence (0–1) and its box. */
public record TextLine(String text, double confidence, Box box) {
}
