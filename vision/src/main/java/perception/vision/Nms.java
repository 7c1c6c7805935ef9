package perception.vision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Non-maximum suppression: keep the best-scoring box of each overlapping group. */
public final class Nms {
    private Nms() {
    }

    public static <T> List<T> hard(List<T> items, Function<T, Box> box, ToDoubleFunction<T> score, double iouThreshold) {
        List<T> sorted = new ArrayList<>(items);
        sorted.sort(Comparator.comparingDouble(score).reversed());
        List<T> kept = new ArrayList<>();
        for (T candidate : sorted) {
            boolean overlaps = false;
            for (T k : kept) {
                if (box.apply(k).iou(box.apply(candidate)) > iouThreshold) {
                    overlaps = true;
                    break;
                }
            }
            if (!overlaps) kept.add(candidate);
        }
        return kept;
    }
}
