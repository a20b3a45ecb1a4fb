package io.trainyard.history;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.imageio.ImageIO;

import org.springframework.stereotype.Component;

/**
 * Line charts of training curves as PNG or SVG, drawn by one routine on either surface so both show the
 * same thing: a title, a y axis (linear or logarithmic) and an iteration axis with labelled ticks, one
 * line per series, and labels at the right edge beside where each line ends.
 *
 * <p>What a reader needs to trust the picture, and why it is done here rather than left to a charting
 * library's defaults:
 * <ul>
 *   <li>Tick labels come from {@link Axes}: 1-2-5 steps, printed with only the digits the step needs, and in
 *       exponent form outside 1e-4…1e6 — never a clamped {@code long} or a 17-digit float.</li>
 *   <li>Every series gets its own (colour, dash, marker) from {@link SeriesStyle}: seven colours, four dash
 *       patterns and five markers, with coprime cycle lengths, so neighbours differ in all three and no two of
 *       the first 140 series look alike.</li>
 *   <li>Histories too short to draw a line (one or two points) still show their points as markers, and a run
 *       that diverged gets a cross and "diverged at iteration k" where its curve stops.</li>
 * </ul>
 */
@Component
public class PlotRenderer {

    /**
     * One line. Points with a non-finite y (and, on a log axis, y ≤ 0) are not drawn; a non-finite value after
     * finite ones counts as divergence at that x unless {@code divergedAt} says where it happened.
     *
     * @param divergedAt the x (iteration) at which the run's loss stopped being finite, or null if it did not
     */
    public record Series(String name, double[] x, double[] y, Double divergedAt) {

        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(
                        "series " + name + " has " + x.length + " x values but " + y.length + " y values");
            }
        }

        public Series(String name, double[] x, double[] y) {
            this(name, x, y, null);
        }
    }

    /** What to draw around the lines. */
    public record Chart(String title, String xLabel, String yLabel, boolean logY, int width, int height) {

        /**
         * Each side may be up to 4,000 px, but not both: an image is {@code width × height × 4}
         * bytes in memory, and 4,000 × 4,000 would be 64 MB for one request.
         */
        static final long MAX_PIXELS = 4_000_000;

        public Chart {
            if ((long) width * height > MAX_PIXELS) {
                throw new io.trainyard.system.InvalidRequestException(
                        "width",
                        width + " × " + height + " = "
                                + (long) width * height + " pixels, more than " + MAX_PIXELS
                                + " in all; make the plot smaller (e.g. 2000 × 2000)");
            }
        }
    }

    /** A labelled vertical guide line at {@code x}, e.g. early stopping's best iteration. */
    public record Guide(String label, double x) {}

    public byte[] png(Chart chart, List<Series> series) {
        return png(chart, series, List.of());
    }

    public String svg(Chart chart, List<Series> series) {
        return svg(chart, series, List.of());
    }

    public byte[] png(Chart chart, List<Series> series, List<Guide> guides) {
        BufferedImage image = new BufferedImage(chart.width(), chart.height(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D graphics = image.createGraphics();
        try {
            new Drawing(chart, series, guides, new Surface.Java2D(graphics)).draw();
        } finally {
            graphics.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String svg(Chart chart, List<Series> series, List<Guide> guides) {
        Surface.Svg surface = new Surface.Svg(chart.width(), chart.height());
        new Drawing(chart, series, guides, surface).draw();
        return surface.document();
    }

    /** The layout and drawing of one chart on one surface. */
    private static final class Drawing {

        private static final Color TEXT = new Color(0x1F2937);
        private static final Color AXIS = new Color(0x4B5563);
        private static final Color GRID = new Color(0xE5E7EB);
        private static final Color LEADER = new Color(0x9CA3AF);
        private static final float TITLE_SIZE = 16;
        private static final float LABEL_SIZE = 14;
        private static final float TICK_SIZE = 13;
        private static final float LEGEND_SIZE = 13;
        private static final int MAX_LEGEND_CHARS = 64;
        private static final double SAMPLE_WIDTH = 30;
        /** Markers along a long line: enough to tell lines apart, few enough not to hide them. */
        private static final int MARKERS_PER_LINE = 8;

        private final Chart chart;
        private final List<Series> series;
        private final List<Guide> guides;
        private final Surface surface;
        private final FontMetrics tickFont;
        private final FontMetrics legendFont;

        Drawing(Chart chart, List<Series> series, List<Guide> guides, Surface surface) {
            this.chart = chart.logY() && onlyNonPositive(series)
                    ? new Chart(chart.title(), chart.xLabel(), chart.yLabel(), false, chart.width(), chart.height())
                    : chart;
            this.series = series;
            this.guides = guides;
            this.surface = surface;
            this.tickFont = Surface.metrics(TICK_SIZE, false);
            this.legendFont = Surface.metrics(LEGEND_SIZE, false);
        }

        /**
         * Whether there are finite values but none a log axis can show: a loss of exactly 0 all along (a
         * perfect fit). Drawn on a log axis that would be an empty frame; a linear one shows the line.
         */
        private static boolean onlyNonPositive(List<Series> series) {
            boolean finite = false;
            for (Series s : series) {
                for (double y : s.y()) {
                    if (y > 0 && Double.isFinite(y)) {
                        return false;
                    }
                    finite |= Double.isFinite(y);
                }
            }
            return finite;
        }

        private boolean drawable(double y) {
            return Double.isFinite(y) && (!chart.logY() || y > 0);
        }

        /** Where a series stopped being finite: given, or the x of its first non-finite value after a finite one. */
        private static Double divergence(Series s) {
            if (s.divergedAt() != null) {
                return s.divergedAt();
            }
            boolean seenFinite = false;
            for (int i = 0; i < s.y().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    seenFinite = true;
                } else if (seenFinite && !Double.isNaN(s.x()[i])) {
                    return s.x()[i];
                }
            }
            return null;
        }

        void draw() {
            int width = chart.width();
            int height = chart.height();
            surface.fill(new Rectangle2D.Double(0, 0, width, height), Color.WHITE);

            double xMin = Double.POSITIVE_INFINITY;
            double xMax = Double.NEGATIVE_INFINITY;
            boolean integerX = true;
            List<Double> divergences = new ArrayList<>();
            for (Series s : series) {
                for (int i = 0; i < s.x().length; i++) {
                    double x = s.x()[i];
                    if (!Double.isFinite(x)) {
                        continue;
                    }
                    integerX &= x == Math.rint(x);
                    if (drawable(s.y()[i])) {
                        xMin = Math.min(xMin, x);
                        xMax = Math.max(xMax, x);
                    }
                }
                Double diverged = divergence(s);
                divergences.add(diverged);
                if (diverged != null && Double.isFinite(diverged)) {
                    integerX &= diverged == Math.rint(diverged);
                    xMin = Math.min(xMin, diverged);
                    xMax = Math.max(xMax, diverged);
                }
            }
            double[] yRange = valueRange(divergences);
            double yMin = yRange[0];
            double yMax = yRange[1];
            Axes.Axis xAxis = Axes.linear(xMin, xMax, integerX, false, Math.max(3, width / 110));
            Axes.Axis yAxis = chart.logY()
                    ? Axes.log(yMin, yMax, Math.max(3, height / 45))
                    : Axes.linear(yMin, yMax, false, true, Math.max(3, height / 60));

            double tickLabelWidth = 0;
            for (Axes.Tick t : yAxis.ticks()) {
                tickLabelWidth = Math.max(tickLabelWidth, tickFont.stringWidth(t.label()));
            }
            List<LegendEntry> entries = new ArrayList<>();
            double legendWidth = 0;
            double maxLabelWidth = width * 0.4 - SAMPLE_WIDTH - 20;
            List<String> labels = legendLabels(maxLabelWidth);
            for (int i = 0; i < series.size(); i++) {
                entries.add(new LegendEntry(i, labels.get(i)));
                legendWidth = Math.max(legendWidth, legendFont.stringWidth(labels.get(i)));
            }
            legendWidth = series.isEmpty() ? 0 : SAMPLE_WIDTH + 8 + legendWidth + 12;

            double left = 10 + LABEL_SIZE + 10 + tickLabelWidth + 8;
            double top = chart.title() == null || chart.title().isBlank() ? 16 : 14 + TITLE_SIZE + 16;
            double right = width - 16 - legendWidth;
            double bottom = height - (10 + LABEL_SIZE + 10 + TICK_SIZE + 10);
            Plot plot = new Plot(
                    left, top, Math.max(right, left + 20), Math.max(bottom, top + 20), xAxis, yAxis, chart.logY());

            if (chart.title() != null && !chart.title().isBlank()) {
                surface.text(
                        chart.title(),
                        width / 2.0,
                        14 + TITLE_SIZE,
                        TITLE_SIZE,
                        true,
                        TEXT,
                        Surface.Anchor.MIDDLE,
                        false,
                        "title");
            }
            drawAxes(plot);

            Map<Double, List<Integer>> divergedSeries = new TreeMap<>();
            surface.clip(new Rectangle2D.Double(
                    plot.left - 6, plot.top - 6, plot.right - plot.left + 12, plot.bottom - plot.top + 12));
            for (int i = 0; i < series.size(); i++) {
                LegendEntry entry = entries.get(i);
                drawSeries(plot, i, series.get(i), entry);
                Double diverged = divergences.get(i);
                if (diverged != null) {
                    divergedSeries
                            .computeIfAbsent(diverged, d -> new ArrayList<>())
                            .add(i);
                }
            }
            drawDivergences(plot, divergedSeries, entries);
            drawGuides(plot);
            surface.clip(null);
            drawLegend(plot, entries, width - 8 - legendWidth + 4);
        }

        /**
         * The value range to show. Runs that diverged can reach 1e300 before their loss overflows; letting them
         * set the axis would flatten every other line, so when some series did not diverge the axis is set by
         * those, with room for the diverging ones to climb a little before they leave through the top edge.
         */
        private double[] valueRange(List<Double> divergences) {
            double[] all = extremes(i -> true);
            double[] steady = extremes(i -> divergences.get(i) == null);
            if (!Double.isFinite(steady[0]) || !Double.isFinite(all[1]) || all[1] <= steady[1]) {
                return all;
            }
            double ceiling;
            if (chart.logY()) {
                double decades = Math.log10(steady[1] / steady[0]);
                ceiling = steady[1] * Math.pow(10, Math.max(1, decades / 2));
            } else {
                ceiling = steady[1] + Math.max(steady[1] - steady[0], Math.abs(steady[1]) * 0.1) / 2;
            }
            return new double[] {Math.min(all[0], steady[0]), Math.min(all[1], ceiling)};
        }

        private double[] extremes(java.util.function.IntPredicate include) {
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < series.size(); s++) {
                if (include.test(s)) {
                    for (double y : series.get(s).y()) {
                        if (drawable(y)) {
                            min = Math.min(min, y);
                            max = Math.max(max, y);
                        }
                    }
                }
            }
            return new double[] {min, max};
        }

        /**
         * Legend labels that fit: when some name is too long, the words every name starts with (a sweep's name,
         * say) are dropped, and what is still too long loses its middle, so the differing parts stay visible.
         */
        private List<String> legendLabels(double maxWidth) {
            List<String> names =
                    series.stream().map(s -> s.name() == null ? "" : s.name()).toList();
            boolean tooLong =
                    names.stream().anyMatch(n -> n.length() > MAX_LEGEND_CHARS || legendFont.stringWidth(n) > maxWidth);
            if (tooLong && names.size() > 1) {
                int common = commonPrefix(names);
                if (common > 0) {
                    names = names.stream().map(n -> "…" + n.substring(common)).toList();
                }
            }
            return names.stream().map(n -> fit(n, maxWidth)).toList();
        }

        /** The length of the prefix all names share, cut back to just after a space (a whole word). */
        private static int commonPrefix(List<String> names) {
            String first = names.get(0);
            int length = first.length();
            for (String n : names) {
                int i = 0;
                while (i < Math.min(length, n.length()) && n.charAt(i) == first.charAt(i)) {
                    i++;
                }
                length = i;
            }
            while (length > 0 && first.charAt(length - 1) != ' ') {
                length--;
            }
            return length;
        }

        private String fit(String name, double maxWidth) {
            if (name.length() <= MAX_LEGEND_CHARS && legendFont.stringWidth(name) <= maxWidth) {
                return name;
            }
            int keep = Math.min(name.length(), MAX_LEGEND_CHARS) - 1;
            String shortened;
            do {
                int head = (keep + 1) / 2;
                int tail = keep - head;
                shortened = name.substring(0, head) + "…" + name.substring(name.length() - tail);
                keep--;
            } while (keep > 4 && legendFont.stringWidth(shortened) > maxWidth);
            return shortened;
        }

        /** Dashed vertical lines with their label at the top, inside the plot area. */
        private void drawGuides(Plot plot) {
            for (Guide guide : guides) {
                double x = plot.x(guide.x());
                if (!(x >= plot.left && x <= plot.right)) {
                    continue;
                }
                surface.group("guide", Map.of("data-x", Double.toString(guide.x())));
                surface.stroke(new Line2D.Double(x, plot.top, x, plot.bottom), AXIS, 1.2f, new float[] {4f, 4f});
                surface.text(
                        guide.label(),
                        x + 4,
                        plot.top + TICK_SIZE + 2,
                        TICK_SIZE,
                        false,
                        TEXT,
                        Surface.Anchor.START,
                        false,
                        "guide-label");
                surface.end();
            }
        }

        private void drawAxes(Plot plot) {
            surface.group("axis x-axis", Map.of("data-scale", "linear"));
            for (Axes.Tick t : plot.xAxis.ticks()) {
                double x = plot.x(t.value());
                surface.stroke(new Line2D.Double(x, plot.top, x, plot.bottom), GRID, 1, null);
                surface.stroke(new Line2D.Double(x, plot.bottom, x, plot.bottom + 5), AXIS, 1, null);
                surface.text(
                        t.label(),
                        x,
                        plot.bottom + 8 + TICK_SIZE,
                        TICK_SIZE,
                        false,
                        TEXT,
                        Surface.Anchor.MIDDLE,
                        false,
                        "tick-label");
            }
            surface.text(
                    chart.xLabel(),
                    (plot.left + plot.right) / 2,
                    chart.height() - 10.0,
                    LABEL_SIZE,
                    false,
                    TEXT,
                    Surface.Anchor.MIDDLE,
                    false,
                    "axis-label");
            surface.end();

            surface.group("axis y-axis", Map.of("data-scale", chart.logY() ? "log" : "linear"));
            for (Axes.Tick t : plot.yAxis.ticks()) {
                double y = plot.y(t.value());
                surface.stroke(new Line2D.Double(plot.left, y, plot.right, y), GRID, 1, null);
                surface.stroke(new Line2D.Double(plot.left - 5, y, plot.left, y), AXIS, 1, null);
                surface.text(
                        t.label(),
                        plot.left - 8,
                        y + TICK_SIZE * 0.35,
                        TICK_SIZE,
                        false,
                        TEXT,
                        Surface.Anchor.END,
                        false,
                        "tick-label");
            }
            String yLabel = chart.yLabel() + (chart.logY() ? " (log scale)" : "");
            surface.text(
                    yLabel,
                    10 + LABEL_SIZE,
                    (plot.top + plot.bottom) / 2,
                    LABEL_SIZE,
                    false,
                    TEXT,
                    Surface.Anchor.MIDDLE,
                    true,
                    "axis-label");
            surface.end();
            surface.stroke(
                    new Rectangle2D.Double(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top),
                    AXIS,
                    1,
                    null);
        }

        private void drawSeries(Plot plot, int index, Series s, LegendEntry entry) {
            SeriesStyle style = SeriesStyle.of(index);
            surface.group(
                    "series",
                    Map.of(
                            "data-name",
                            entry.label,
                            "data-marker",
                            style.marker().name().toLowerCase(),
                            "data-colour",
                            Surface.hex(style.colour()),
                            "data-dash",
                            style.dashAttribute()));
            List<double[]> points = new ArrayList<>();
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            int segments = 0;
            for (int i = 0; i < s.x().length; i++) {
                if (!Double.isFinite(s.x()[i]) || !drawable(s.y()[i])) {
                    pen = false;
                    continue;
                }
                double px = plot.x(s.x()[i]);
                double py = plot.y(s.y()[i]);
                points.add(new double[] {px, py});
                if (pen) {
                    path.lineTo(px, py);
                    segments++;
                } else {
                    path.moveTo(px, py);
                    pen = true;
                }
            }
            if (segments > 0) {
                surface.stroke(path, style.colour(), SeriesStyle.LINE_WIDTH, style.dash());
            }
            // Markers tell the lines apart where colours are close, and are the only mark a one-point history
            // leaves; they are staggered per series so lines that run together do not hide each other's.
            int n = points.size();
            if (n > 0) {
                List<Integer> at = new ArrayList<>();
                if (n <= 2 * MARKERS_PER_LINE) {
                    for (int i = 0; i < n; i++) {
                        at.add(i);
                    }
                } else {
                    double phase = (index * 0.618034) % 1.0;
                    for (int j = 0; j < MARKERS_PER_LINE; j++) {
                        at.add((int) Math.round((j + phase) / MARKERS_PER_LINE * (n - 1)));
                    }
                    at.add(n - 1);
                }
                // Without a line, the markers are all there is to see: draw them larger.
                double size = segments == 0 ? SeriesStyle.MARKER_SIZE * 1.5 : SeriesStyle.MARKER_SIZE;
                for (int i : at.stream().distinct().toList()) {
                    double[] p = points.get(i);
                    surface.fill(style.marker().shape(p[0], p[1], size), style.colour());
                    surface.stroke(style.marker().shape(p[0], p[1], size), Color.WHITE, 0.8f, null);
                }
                // a line that left through the top or bottom edge is labelled where it left
                entry.endY = Math.max(plot.top, Math.min(plot.bottom, points.get(n - 1)[1]));
                entry.endX = points.get(n - 1)[0];
            }
            surface.end();
        }

        /** A cross where each diverged run stopped, in its colour, and one note per iteration. */
        private void drawDivergences(Plot plot, Map<Double, List<Integer>> diverged, List<LegendEntry> entries) {
            int row = 0;
            for (Map.Entry<Double, List<Integer>> d : diverged.entrySet()) {
                double x = plot.x(d.getKey());
                double y = plot.top + 14 + 18 * (row % 4);
                surface.group("divergence", Map.of("data-iteration", Axes.plain(d.getKey())));
                surface.stroke(new Line2D.Double(x, plot.top, x, plot.bottom), LEADER, 1, new float[] {2, 3});
                for (int i : d.getValue()) {
                    Color colour = SeriesStyle.of(i).colour();
                    LegendEntry entry = entries.get(i);
                    // A dotted leader from a lone run's last point to its cross shows the blow-up; for many
                    // layers diverging together the leaders would read as data, so the cross stands alone.
                    if (entry.endY != null && d.getValue().size() <= 3) {
                        surface.stroke(new Line2D.Double(entry.endX, entry.endY, x, y), colour, 1f, new float[] {2, 3});
                    }
                    cross(x, y, colour);
                }
                String note = "diverged at iteration " + Axes.plain(d.getKey());
                FontMetrics metrics = Surface.metrics(TICK_SIZE, true);
                boolean leftOfCross = x + 12 + metrics.stringWidth(note) > plot.right;
                surface.text(
                        note,
                        leftOfCross ? x - 10 : x + 10,
                        y + TICK_SIZE * 0.35,
                        TICK_SIZE,
                        true,
                        new Color(0xB91C1C),
                        leftOfCross ? Surface.Anchor.END : Surface.Anchor.START,
                        false,
                        "divergence-label");
                surface.end();
                row++;
            }
        }

        private void cross(double x, double y, Color colour) {
            Path2D.Double cross = new Path2D.Double();
            cross.moveTo(x - 6, y - 6);
            cross.lineTo(x + 6, y + 6);
            cross.moveTo(x - 6, y + 6);
            cross.lineTo(x + 6, y - 6);
            surface.stroke(cross, colour, 2.5f, null);
        }

        /**
         * Labels at the right edge, each beside the height where its line ends (pushed apart just enough not to
         * overlap, with a thin leader line when moved), so the legend reads top to bottom in the order of the lines.
         */
        private void drawLegend(Plot plot, List<LegendEntry> entries, double x) {
            if (entries.isEmpty()) {
                return;
            }
            double spacing = Math.min(LEGEND_SIZE + 5, (plot.bottom - plot.top) / entries.size());
            List<LegendEntry> ordered = new ArrayList<>(entries);
            ordered.sort(Comparator.comparingDouble((LegendEntry e) -> e.endY == null ? plot.top : e.endY)
                    .thenComparingInt(e -> e.index));
            double[] y = new double[ordered.size()];
            for (int i = 0; i < y.length; i++) {
                double wanted = ordered.get(i).endY == null ? plot.top : ordered.get(i).endY;
                y[i] = Math.max(wanted, i == 0 ? plot.top : y[i - 1] + spacing);
            }
            for (int i = y.length - 1; i >= 0; i--) {
                double limit = i == y.length - 1 ? plot.bottom : y[i + 1] - spacing;
                y[i] = Math.max(Math.min(y[i], limit), plot.top + i * spacing);
            }
            float size = (float) Math.min(LEGEND_SIZE, Math.max(8, spacing - 3));
            surface.group("legend", Map.of());
            for (int i = 0; i < ordered.size(); i++) {
                LegendEntry e = ordered.get(i);
                SeriesStyle style = SeriesStyle.of(e.index);
                if (e.endY != null && Math.abs(e.endY - y[i]) > 1.5) {
                    surface.stroke(new Line2D.Double(plot.right + 1, e.endY, x - 2, y[i]), LEADER, 0.8f, null);
                }
                surface.group("legend-entry", Map.of("data-name", e.label));
                surface.stroke(
                        new Line2D.Double(x, y[i], x + SAMPLE_WIDTH, y[i]),
                        style.colour(),
                        SeriesStyle.LINE_WIDTH,
                        style.dash());
                surface.fill(style.marker().shape(x + SAMPLE_WIDTH / 2, y[i], SeriesStyle.MARKER_SIZE), style.colour());
                surface.text(
                        e.label,
                        x + SAMPLE_WIDTH + 6,
                        y[i] + size * 0.35,
                        size,
                        false,
                        TEXT,
                        Surface.Anchor.START,
                        false,
                        "legend-label");
                surface.end();
            }
            surface.end();
        }
    }

    private static final class LegendEntry {
        final int index;
        final String label;
        Double endX;
        Double endY;

        LegendEntry(int index, String label) {
            this.index = index;
            this.label = label;
        }
    }

    /** Data to pixels inside the plotting area. */
    private record Plot(
            double left, double top, double right, double bottom, Axes.Axis xAxis, Axes.Axis yAxis, boolean logY) {

        /** A little air at the sides so markers at the first and last iteration are not cut by the frame. */
        private static final double INSET = 8;

        double x(double value) {
            double span = xAxis.max() - xAxis.min();
            return left + INSET + (value - xAxis.min()) / span * (right - left - 2 * INSET);
        }

        double y(double value) {
            double lo = logY ? Math.log10(yAxis.min()) : yAxis.min();
            double hi = logY ? Math.log10(yAxis.max()) : yAxis.max();
            double v = logY ? Math.log10(value) : value;
            return bottom - (v - lo) / (hi - lo) * (bottom - top);
        }
    }

    /** The two places a chart can be drawn: a Java2D raster (PNG) and an SVG document. */
    interface Surface {

        enum Anchor {
            START,
            MIDDLE,
            END
        }

        void group(String cssClass, Map<String, String> attributes);

        void end();

        void stroke(Shape shape, Color colour, float width, float[] dash);

        void fill(Shape shape, Color colour);

        /** Text with its baseline at y; vertical text reads bottom to top, centred on (x, y). */
        void text(
                String text,
                double x,
                double y,
                float size,
                boolean bold,
                Color colour,
                Anchor anchor,
                boolean vertical,
                String cssClass);

        /** Restricts drawing to a rectangle, or lifts the restriction (null). */
        void clip(Rectangle2D area);

        /** The font both surfaces use; the SVG names it first so viewers measure text as the layout did. */
        String FONT_FAMILY = "DejaVu Sans";

        static Font font(float size, boolean bold) {
            return new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont(size);
        }

        static FontMetrics metrics(float size, boolean bold) {
            java.awt.Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
            try {
                return g.getFontMetrics(font(size, bold));
            } finally {
                g.dispose();
            }
        }

        static String hex(Color c) {
            return String.format("#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
        }

        final class Java2D implements Surface {
            private final java.awt.Graphics2D g;

            Java2D(java.awt.Graphics2D g) {
                this.g = g;
                g.setRenderingHint(
                        java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(
                        java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setRenderingHint(
                        java.awt.RenderingHints.KEY_STROKE_CONTROL, java.awt.RenderingHints.VALUE_STROKE_PURE);
            }

            @Override
            public void group(String cssClass, Map<String, String> attributes) {}

            @Override
            public void end() {}

            @Override
            public void stroke(Shape shape, Color colour, float width, float[] dash) {
                g.setColor(colour);
                g.setStroke(new java.awt.BasicStroke(
                        width, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_ROUND, 10f, dash, 0f));
                g.draw(shape);
            }

            @Override
            public void fill(Shape shape, Color colour) {
                g.setColor(colour);
                g.fill(shape);
            }

            @Override
            public void text(
                    String text,
                    double x,
                    double y,
                    float size,
                    boolean bold,
                    Color colour,
                    Anchor anchor,
                    boolean vertical,
                    String cssClass) {
                Font font = font(size, bold);
                g.setFont(font);
                g.setColor(colour);
                double w = g.getFontMetrics().stringWidth(text);
                double shift = anchor == Anchor.START ? 0 : anchor == Anchor.MIDDLE ? -w / 2 : -w;
                if (vertical) {
                    java.awt.geom.AffineTransform saved = g.getTransform();
                    g.translate(x, y);
                    g.rotate(-Math.PI / 2);
                    g.drawString(text, (float) shift, 0f);
                    g.setTransform(saved);
                } else {
                    g.drawString(text, (float) (x + shift), (float) y);
                }
            }

            @Override
            public void clip(Rectangle2D area) {
                g.setClip(area);
            }
        }

        /** Writes plain SVG: presentation attributes, real text, one path per line, groups that name the series. */
        final class Svg implements Surface {
            private final StringBuilder out = new StringBuilder();
            private int clips;
            private boolean clipped;

            Svg(int width, int height) {
                out.append(
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                        .append(width)
                        .append("\" height=\"")
                        .append(height)
                        .append("\" viewBox=\"0 0 ")
                        .append(width)
                        .append(' ')
                        .append(height)
                        .append("\" font-family=\"")
                        .append(FONT_FAMILY)
                        .append(", Verdana, Arial, sans-serif\">\n");
            }

            String document() {
                if (clipped) {
                    out.append("</g>\n");
                    clipped = false;
                }
                return out + "</svg>\n";
            }

            @Override
            public void group(String cssClass, Map<String, String> attributes) {
                out.append("<g class=\"").append(escape(cssClass)).append('"');
                new TreeMap<>(attributes)
                        .forEach((k, v) -> out.append(' ')
                                .append(k)
                                .append("=\"")
                                .append(escape(v))
                                .append('"'));
                out.append(">\n");
            }

            @Override
            public void end() {
                out.append("</g>\n");
            }

            @Override
            public void stroke(Shape shape, Color colour, float width, float[] dash) {
                out.append("<path d=\"")
                        .append(path(shape))
                        .append("\" fill=\"none\" stroke=\"")
                        .append(hex(colour))
                        .append("\" stroke-width=\"")
                        .append(number(width))
                        .append('"');
                if (dash != null) {
                    out.append(" stroke-dasharray=\"");
                    for (int i = 0; i < dash.length; i++) {
                        out.append(i > 0 ? " " : "").append(number(dash[i]));
                    }
                    out.append('"');
                }
                out.append(" stroke-linejoin=\"round\"/>\n");
            }

            @Override
            public void fill(Shape shape, Color colour) {
                out.append("<path d=\"")
                        .append(path(shape))
                        .append("\" fill=\"")
                        .append(hex(colour))
                        .append("\"/>\n");
            }

            @Override
            public void text(
                    String text,
                    double x,
                    double y,
                    float size,
                    boolean bold,
                    Color colour,
                    Anchor anchor,
                    boolean vertical,
                    String cssClass) {
                out.append("<text class=\"")
                        .append(cssClass)
                        .append("\" x=\"")
                        .append(number(x))
                        .append("\" y=\"")
                        .append(number(y))
                        .append("\" font-size=\"")
                        .append(number(size))
                        .append("\" fill=\"")
                        .append(hex(colour))
                        .append('"');
                if (bold) {
                    out.append(" font-weight=\"bold\"");
                }
                if (anchor != Anchor.START) {
                    out.append(" text-anchor=\"")
                            .append(anchor == Anchor.MIDDLE ? "middle" : "end")
                            .append('"');
                }
                if (vertical) {
                    out.append(" transform=\"rotate(-90 ")
                            .append(number(x))
                            .append(' ')
                            .append(number(y))
                            .append(")\"");
                }
                out.append('>').append(escape(text)).append("</text>\n");
            }

            @Override
            public void clip(Rectangle2D area) {
                if (clipped) {
                    out.append("</g>\n");
                    clipped = false;
                }
                if (area != null) {
                    String id = "clip" + (++clips);
                    out.append("<clipPath id=\"")
                            .append(id)
                            .append("\"><rect x=\"")
                            .append(number(area.getX()))
                            .append("\" y=\"")
                            .append(number(area.getY()))
                            .append("\" width=\"")
                            .append(number(area.getWidth()))
                            .append("\" height=\"")
                            .append(number(area.getHeight()))
                            .append("\"/></clipPath>\n<g clip-path=\"url(#")
                            .append(id)
                            .append(")\">\n");
                    clipped = true;
                }
            }

            private static String path(Shape shape) {
                StringBuilder d = new StringBuilder();
                double[] c = new double[6];
                for (java.awt.geom.PathIterator it = shape.getPathIterator(null); !it.isDone(); it.next()) {
                    int type = it.currentSegment(c);
                    switch (type) {
                        case java.awt.geom.PathIterator.SEG_MOVETO ->
                            d.append('M').append(number(c[0])).append(' ').append(number(c[1]));
                        case java.awt.geom.PathIterator.SEG_LINETO ->
                            d.append('L').append(number(c[0])).append(' ').append(number(c[1]));
                        case java.awt.geom.PathIterator.SEG_QUADTO ->
                            d.append('Q')
                                    .append(number(c[0]))
                                    .append(' ')
                                    .append(number(c[1]))
                                    .append(' ')
                                    .append(number(c[2]))
                                    .append(' ')
                                    .append(number(c[3]));
                        case java.awt.geom.PathIterator.SEG_CUBICTO ->
                            d.append('C')
                                    .append(number(c[0]))
                                    .append(' ')
                                    .append(number(c[1]))
                                    .append(' ')
                                    .append(number(c[2]))
                                    .append(' ')
                                    .append(number(c[3]))
                                    .append(' ')
                                    .append(number(c[4]))
                                    .append(' ')
                                    .append(number(c[5]));
                        default -> d.append('Z');
                    }
                }
                return d.toString();
            }

            /** Pixel coordinates to a tenth of a pixel: plenty for a screen, and it keeps files small. */
            private static String number(double v) {
                long tenths = Math.round(v * 10);
                String sign = tenths < 0 ? "-" : "";
                long a = Math.abs(tenths);
                return a % 10 == 0 ? sign + a / 10 : sign + a / 10 + "." + a % 10;
            }

            /**
             * Text and attribute values as XML 1.0 allows them: markup characters escaped, and every code point
             * that is no XML {@code Char} left out — control characters, U+FFFE, U+FFFF and unpaired surrogates
             * are invalid even as character references, so a name holding one would make the whole file
             * unreadable to an XML parser.
             */
            private static String escape(String s) {
                StringBuilder b = new StringBuilder(s.length());
                for (int i = 0; i < s.length(); ) {
                    int cp = s.codePointAt(i);
                    i += Character.charCount(cp);
                    switch (cp) {
                        case '&' -> b.append("&amp;");
                        case '<' -> b.append("&lt;");
                        case '>' -> b.append("&gt;");
                        case '"' -> b.append("&quot;");
                        default -> {
                            if (isXmlChar(cp)) {
                                b.appendCodePoint(cp);
                            }
                        }
                    }
                }
                return b.toString();
            }

            /**
             * XML 1.0's {@code Char} production. A lone surrogate arrives here as a code point of its own
             * ({@link String#codePointAt} pairs only a high surrogate followed by a low one), so it is refused.
             */
            private static boolean isXmlChar(int cp) {
                return cp == '\t'
                        || cp == '\n'
                        || cp == '\r'
                        || (cp >= 0x20 && cp <= 0xD7FF)
                        || (cp >= 0xE000 && cp <= 0xFFFD)
                        || (cp >= 0x10000 && cp <= 0x10FFFF);
            }
        }
    }

    /** How the i-th series looks; see the class comment for why the three cycles are coprime. */
    record SeriesStyle(Color colour, float[] dash, Marker marker) {

        static final float LINE_WIDTH = 2f;
        static final double MARKER_SIZE = 8;

        /** Okabe–Ito, colour-blind safe; its yellow is left out because it vanishes on white. */
        private static final Color[] COLOURS = {
            new Color(0x0072B2),
            new Color(0xD55E00),
            new Color(0x009E73),
            new Color(0xCC79A7),
            new Color(0xE69F00),
            new Color(0x56B4E9),
            new Color(0x000000)
        };

        private static final float[][] DASHES = {null, {9, 4}, {2.5f, 3}, {12, 4, 3, 4}};

        static SeriesStyle of(int index) {
            return new SeriesStyle(
                    COLOURS[index % COLOURS.length],
                    DASHES[index % DASHES.length],
                    Marker.values()[index % Marker.values().length]);
        }

        /** The dash pattern as SVG writes it, {@code none} for a solid line. */
        String dashAttribute() {
            if (dash == null) {
                return "none";
            }
            StringBuilder b = new StringBuilder();
            for (float d : dash) {
                b.append(b.isEmpty() ? "" : " ").append(d);
            }
            return b.toString();
        }
    }

    enum Marker {
        CIRCLE,
        SQUARE,
        TRIANGLE,
        DIAMOND,
        TRIANGLE_DOWN;

        Shape shape(double x, double y, double size) {
            double r = size / 2;
            return switch (this) {
                case CIRCLE -> new Ellipse2D.Double(x - r, y - r, size, size);
                case SQUARE -> new Rectangle2D.Double(x - r * 0.9, y - r * 0.9, size * 0.9, size * 0.9);
                case TRIANGLE -> polygon(x, y - r * 1.15, x + r * 1.1, y + r * 0.85, x - r * 1.1, y + r * 0.85);
                case DIAMOND -> polygon(x, y - r * 1.25, x + r * 1.0, y, x, y + r * 1.25, x - r * 1.0, y);
                case TRIANGLE_DOWN -> polygon(x, y + r * 1.15, x + r * 1.1, y - r * 0.85, x - r * 1.1, y - r * 0.85);
            };
        }

        private static Shape polygon(double... xy) {
            Path2D.Double p = new Path2D.Double();
            p.moveTo(xy[0], xy[1]);
            for (int i = 2; i < xy.length; i += 2) {
                p.lineTo(xy[i], xy[i + 1]);
            }
            p.closePath();
            return p;
        }
    }
}
