package perception.vision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the analyzers saw in one image. A list is empty when its analyzer found nothing and null
 * when it did not run; {@code scene} is null when not requested. Timings per analyzer in ms.
 */
public record Analysis(int width, int height, List<DetectedObject> objects, List<Face> faces, List<TextLine> text,
                       Scene scene, Map<String, Double> timingsMs) {
    public Analysis {
        objects = objects == null ? null : List.copyOf(objects);
        faces = faces == null ? null : List.copyOf(faces);
        text = text == null ? null : List.copyOf(text);
        timingsMs = Map.copyOf(new LinkedHashMap<>(timingsMs));
    }

    /**
     * A compact, stable text rendering for a language model's prompt, e.g.
     * {@code image 640x480; objects: dog 0.86 [130,220,310,540], bicycle 0.80 [...]; faces: 1; text: "EXIT" 0.98; scene: bright, sharp, colours green 40%, grey 30%}.
     * Boxes as [x1,y1,x2,y2] in pixels.
     */
    public String toPromptText() {
        StringBuilder b = new StringBuilder();
        b.append("image ").append(width).append('x').append(height);
        if (objects != null) {
            b.append("; objects: ");
            if (objects.isEmpty()) b.append("none");
            for (int i = 0; i < objects.size(); i++) {
                DetectedObject o = objects.get(i);
                if (i > 0) b.append(", ");
                b.append(o.label()).append(' ').append(fmt(o.score())).append(' ').append(box(o.box()));
            }
        }
        if (faces != null) {
            b.append("; faces: ").append(faces.size());
            for (Face f : faces) b.append(' ').append(box(f.box()));
        }
        if (text != null) {
            b.append("; text: ");
            if (text.isEmpty()) b.append("none");
            for (int i = 0; i < text.size(); i++) {
                if (i > 0) b.append(", ");
                b.append('"').append(text.get(i).text().replace('"', '\'')).append('"');
            }
        }
        if (scene != null) {
            b.append("; scene: brightness ").append(fmt(scene.brightness()))
                    .append(", sharpness ").append(Math.round(scene.sharpness())).append(", colours");
            for (NamedColour c : scene.colours()) b.append(' ').append(c.name()).append(' ').append(Math.round(c.share() * 100)).append('%');
        }
        return b.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String box(Box box) {
        return "[" + Math.round(box.x()) + "," + Math.round(box.y()) + "," + Math.round(box.x2()) + "," + Math.round(box.y2()) + "]";
    }
}
