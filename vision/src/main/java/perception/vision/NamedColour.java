package perception.vision;

/** A dominant colour: its plain English name, hex value (#rrggbb) and share of the image (0–1). */
public record NamedColour(String name, String hex, double share) {
}
