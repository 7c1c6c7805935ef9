package perception.vision;

/**
 * A rotated rectangle as four corners in clockwise order from the top-left: text boxes that are
 * not axis-aligned. {@link #bounds()} gives the axis-aligned box reported to clients.
 */
public record Quad(Point topLeft, Point topRight, Point bottomRight, Point bottomLeft) {

    /** The corners of OpenCV's RotatedRect (centre, size, angle in degrees), ordered. */
    public static Quad rotated(double cx, double cy, double width, double height, double angleDegrees) {
        double a = Math.toRadians(angleDegrees);
        double b = Math.cos(a) * 0.5, s = Math.sin(a) * 0.5;
        double[] xs = new double[4], ys = new double[4];
        xs[0] = cx - s * height - b * width;
        ys[0] = cy + b * height - s * width;
        xs[1] = cx + s * height - b * width;
        ys[1] = cy - b * height - s * width;
        xs[2] = 2 * cx - xs[0];
        ys[2] = 2 * cy - ys[0];
        xs[3] = 2 * cx - xs[1];
        ys[3] = 2 * cy - ys[1];
        return ordered(xs, ys);
    }

    /** Orders four points as PaddleOCR does: the two leftmost give top-left/bottom-left by y. */
    static Quad ordered(double[] xs, double[] ys) {
        Integer[] idx = {0, 1, 2, 3};
        java.util.Arrays.sort(idx, (p, q) -> Double.compare(xs[p], xs[q]));
        int l1 = idx[0], l2 = idx[1], r1 = idx[2], r2 = idx[3];
        int tl = ys[l1] <= ys[l2] ? l1 : l2, bl = tl == l1 ? l2 : l1;
        int tr = ys[r1] <= ys[r2] ? r1 : r2, br = tr == r1 ? r2 : r1;
        return new Quad(new Point(xs[tl], ys[tl]), new Point(xs[tr], ys[tr]), new Point(xs[br], ys[br]), new Point(xs[bl], ys[bl]));
    }

    public Quad scaled(double sx, double sy) {
        return new Quad(new Point(topLeft.x() * sx, topLeft.y() * sy), new Point(topRight.x() * sx, topRight.y() * sy),
                new Point(bottomRight.x() * sx, bottomRight.y() * sy), new Point(bottomLeft.x() * sx, bottomLeft.y() * sy));
    }

    public double width() {
        return Math.max(dist(topLeft, topRight), dist(bottomLeft, bottomRight));
    }

    public double height() {
        return Math.max(dist(topLeft, bottomLeft), dist(topRight, bottomRight));
    }

    public Box bounds() {
        double x1 = Math.min(Math.min(topLeft.x(), topRight.x()), Math.min(bottomLeft.x(), bottomRight.x()));
        double y1 = Math.min(Math.min(topLeft.y(), topRight.y()), Math.min(bottomLeft.y(), bottomRight.y()));
        double x2 = Math.max(Math.max(topLeft.x(), topRight.x()), Math.max(bottomLeft.x(), bottomRight.x()));
        double y2 = Math.max(Math.max(topLeft.y(), topRight.y()), Math.max(bottomLeft.y(), bottomRight.y()));
        return Box.corners(x1, y1, x2, y2);
    }

    /** Whether (x, y) lies inside this convex quadrilateral. */
    public boolean contains(double x, double y) {
        Point[] p = {topLeft, topRight, bottomRight, bottomLeft};
        boolean pos = false, neg = false;
        for (int i = 0; i < 4; i++) {
            Point a = p[i], b = p[(i + 1) % 4];
            double cross = (b.x() - a.x()) * (y - a.y()) - (b.y() - a.y()) * (x - a.x());
            if (cross > 0) pos = true;
            if (cross < 0) neg = true;
        }
        return !(pos && neg);
    }

    private static double dist(Point a, Point b) {
        return Math.hypot(a.x() - b.x(), a.y() - b.y());
    }
}
