package perception.vision;

/** An axis-aligned box in the original image's pixel coordinates (x, y = top-left corner). */
public record Box(double x, double y, double width, double height) {

    public static Box corners(double x1, double y1, double x2, double y2) {
        return new Box(x1, y1, x2 - x1, y2 - y1);
    }

    public double x2() {
        return x + width;
    }

    public double y2() {
        return y + height;
    }

    public double area() {
        return Math.max(0, width) * Math.max(0, height);
    }

    public double iou(Box o) {
        double w = Math.min(x2(), o.x2()) - Math.max(x, o.x);
        double h = Math.min(y2(), o.y2()) - Math.max(y, o.y);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        return inter / (area() + o.area() - inter);
    }

    /** Clipped to a width × height image. */
    public Box clip(int imageWidth, int imageHeight) {
        double x1 = Math.max(0, Math.min(imageWidth, x)), y1 = Math.max(0, Math.min(imageHeight, y));
        double x2 = Math.max(0, Math.min(imageWidth, x2())), y2 = Math.max(0, Math.min(imageHeight, y2()));
        return corners(x1, y1, x2, y2);
    }

    public boolean contains(double px, double py) {
        return px >= x && px <= x2() && py >= y && py <= y2();
    }
}
