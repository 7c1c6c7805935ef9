package perception.vision;

import java.util.List;

/**
 * Whole-image statistics: mean brightness (0–1), sharpness (variance of the Laplacian of the grey
 * image; below ~100 looks blurry) and the dominant colours, largest share first.
 */
public record Scene(int width, int height, double brightness, double sharpness, List<NamedColour> colours) {
    public Scene {
        colours = List.copyOf(colours);
    }
}
