package io.trainyard.history;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import javax.imageio.ImageIO;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.springframework.stereotype.Component;

/**
 * Line charts of training curves as PNG or SVG: one line per series, axes, legend, and an optional
 * logarithmic y axis (loss and gradient-norm curves fall over decades).
 */
@Component
public class PlotRenderer {

    /** Colour-blind-safe palette (Okabe–Ito), cycled for more series. */
    private static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7),
        new Color(0xE69F00), new Color(0x56B4E9), new Color(0xF0E442), new Color(0x000000)};

    /** One line. Points with a non-finite y (and, on a log axis, y ≤ 0) are left out. */
    public record Series(String name, double[] x, double[] y) {
    }

    /** What to draw around the lines. */
    public record Chart(String title, String xLabel, String yLabel, boolean logY, int width, int height) {
    }

    /** A labelled vertical line at {@code x}, e.g. early stopping's best iteration. */
    public record Marker(String label, double x) {
    }

    public byte[] png(Chart chart, List<Series> series) {
        return png(chart, series, List.of());
    }

    public String svg(Chart chart, List<Series> series) {
        return svg(chart, series, List.of());
    }

    public byte[] png(Chart chart, List<Series> series, List<Marker> markers) {
        JFreeChart drawing = mark(build(chart, series), markers);
        BufferedImage image = drawing.createBufferedImage(chart.width(), chart.height());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String svg(Chart chart, List<Series> series, List<Marker> markers) {
        JFreeChart drawing = mark(build(chart, series), markers);
        SVGGraphics2D graphics = new SVGGraphics2D(chart.width(), chart.height());
        drawing.draw(graphics, new Rectangle(0, 0, chart.width(), chart.height()));
        return graphics.getSVGDocument();
    }

    private static JFreeChart mark(JFreeChart drawing, List<Marker> markers) {
        for (Marker marker : markers) {
            org.jfree.chart.plot.ValueMarker line = new org.jfree.chart.plot.ValueMarker(marker.x(), Color.DARK_GRAY,
                    new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 4f}, 0f));
            line.setLabel(marker.label());
            line.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            line.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
            line.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
            drawing.getXYPlot().addDomainMarker(line);
        }
        return drawing;
    }

    private static JFreeChart build(Chart chart, List<Series> series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (Series s : series) {
            XYSeries line = new XYSeries(s.name(), false, true);
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (Double.isFinite(y) && (!chart.logY() || y > 0)) {
                    line.add(s.x()[i], y, false);
                }
            }
            data.addSeries(line);
        }
        JFreeChart drawing = ChartFactory.createXYLineChart(chart.title(), chart.xLabel(), chart.yLabel(), data,
                PlotOrientation.VERTICAL, true, false, false);
        drawing.setBackgroundPaint(Color.WHITE);
        drawing.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        XYPlot plot = drawing.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        NumberAxis x = (NumberAxis) plot.getDomainAxis();
        x.setAutoRangeIncludesZero(false);
        if (chart.logY()) {
            // LogarithmicAxis labels 1-2-5 steps inside a decade and whole decades across many, so a
            // curve that spans one decade still gets readable ticks.
            LogarithmicAxis y = new LogarithmicAxis(chart.yLabel() + " (log scale)");
            y.setAllowNegativesFlag(false);
            y.setStrictValuesFlag(false);
            y.setAutoRangeNextLogFlag(false);
            plot.setRangeAxis(y);
        } else {
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series.size(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            renderer.setSeriesStroke(i, new BasicStroke(1.8f));
        }
        plot.setRenderer(renderer);
        return drawing;
    }
}
