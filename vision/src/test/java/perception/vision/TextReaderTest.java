package perception.vision;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OCR on text rendered with Java2D in several fonts, sizes, styles and colours: at least 95 % of
 * the characters of 24 strings are read, and each line's box covers where it was drawn.
 */
class TextReaderTest {
    static final String[] STRINGS = {
            "EXIT", "Platform 9", "Open 24 hours", "No parking", "Fresh bread daily", "Gate B12", "Speed limit 50",
            "Welcome home", "Push to open", "Room 404", "Coffee and tea", "Keep left", "Library", "Emergency exit",
            "Tickets here", "Sale 30% off", "Main Street", "Quiet please", "Danger high voltage", "Bus stop",
            "Pharmacy", "Lost and found", "Check in 10:45", "Thank you"};
    static final String[] FONTS = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED, Font.DIALOG};
    static final int[] SIZES = {22, 28, 36, 44};

    /** One rendered line: its text and where it was drawn. */
    record Drawn(String text, Box box) {
    }

    /** Draws 6 strings, one per row, with a font, size and colour scheme per string. */
    static Frame render(int page, List<Drawn> drawn) {
        BufferedImage img = new BufferedImage(720, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        boolean dark = page % 2 == 1;
        g.setColor(dark ? new Color(30, 40, 60) : new Color(250, 248, 240));
        g.fillRect(0, 0, 720, 480);
        for (int row = 0; row < 6; row++) {
            int i = page * 6 + row;
            Font font = new Font(FONTS[(i + page) % FONTS.length], i % 3 == 0 ? Font.BOLD : Font.PLAIN, SIZES[i % SIZES.length]);
            g.setFont(font);
            g.setColor(dark ? Color.WHITE : new Color(20, 20, 20));
            int x = 30 + (row % 3) * 40, baseline = 60 + row * 75;
            g.drawString(STRINGS[i], x, baseline);
            var metrics = g.getFontMetrics();
            drawn.add(new Drawn(STRINGS[i], new Box(x, baseline - metrics.getAscent(), metrics.stringWidth(STRINGS[i]), metrics.getAscent() + metrics.getDescent())));
        }
        g.dispose();
        return Frames.fromBufferedImage(img);
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    @Test
    void readsRenderedTextInSeveralFontsAndSizes() {
        int chars = 0, errors = 0;
        List<String> misses = new ArrayList<>();
        for (int page = 0; page < 4; page++) {
            List<Drawn> drawn = new ArrayList<>();
            Frame frame = render(page, drawn);
            List<TextLine> lines = TestModels.vision().text().read(frame);
            for (Drawn d : drawn) {
                double cx = d.box().x() + d.box().width() / 2, cy = d.box().y() + d.box().height() / 2;
                // Every line whose box covers a point of the drawn line (DB may split a line in words).
                List<TextLine> matched = lines.stream()
                        .filter(l -> l.box().y() <= cy && l.box().y2() >= cy && l.box().x2() >= d.box().x() && l.box().x() <= d.box().x2())
                        .sorted((a, b) -> Double.compare(a.box().x(), b.box().x())).toList();
                StringBuilder read = new StringBuilder();
                matched.forEach(l -> read.append(l.text()));
                String expected = d.text().replace(" ", ""), got = read.toString().replace(" ", "");
                int e = Math.min(expected.length(), distance(expected, got));
                chars += expected.length();
                errors += e;
                if (e > 0) misses.add(d.text() + " -> " + read);
                if (!matched.isEmpty()) { // the boxes together cover the drawn line, grown by DB's unclip margin at most
                    double x1 = matched.get(0).box().x(), x2 = matched.get(matched.size() - 1).box().x2(), margin = d.box().height();
                    assertTrue(Math.abs(x1 - d.box().x()) < margin && Math.abs(x2 - d.box().x2()) < margin,
                            "boxes " + matched + " span the drawn text " + d);
                }
            }
        }
        double accuracy = 1 - (double) errors / chars;
        System.out.printf("OCR: %d characters, %d errors, accuracy %.3f; misses %s%n", chars, errors, accuracy, misses);
        assertTrue(accuracy >= 0.95, "character accuracy " + accuracy + " below 0.95; misses: " + misses);
    }

    @Test
    void findsNoTextOnAPlainImage() {
        byte[] grey = new byte[320 * 240 * 3];
        java.util.Arrays.fill(grey, (byte) 90);
        assertTrue(TestModels.vision().text().read(new Frame(320, 240, grey)).isEmpty());
    }
}
