package io.trainyard.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Renders charts directly and reads the SVG back with the JDK's XML parser: what a reader sees in the
 * labels, the series' styles and the marks for short and diverged histories.
 */
class PlotRendererTests {

    private static final Pattern LONG_NUMBER = Pattern.compile("\\d{15,}");

    private final PlotRenderer renderer = new PlotRenderer();

    private static PlotRenderer.Chart chart(boolean log) {
        return new PlotRenderer.Chart("Loss", "iteration", "loss", log, 900, 500);
    }

    private static double[] iterations(int n) {
        return IntStream.range(0, n).asDoubleStream().toArray();
    }

    @Test
    void aMultiDecadeLogAxisHasAtLeastThreeLabelledTicksAndNoOverflowedNumbers() throws Exception {
        double[] x = iterations(200);
        double[] y = new double[200];
        for (int i = 0; i < y.length; i++) {
            y[i] = 3e4 * Math.pow(10, -6.0 * i / 199); // 3e4 down to 3e-2
        }
        Document svg = parse(renderer.svg(chart(true), List.of(new PlotRenderer.Series("train", x, y))));

        List<String> yLabels = tickLabels(svg, "y-axis");
        assertThat(yLabels).hasSizeGreaterThanOrEqualTo(3);
        assertThat(yLabels).contains("1", "100", "10000");
        assertNoLongNumbers(svg);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e-300, 1e-12, 1e-3, 1, 7.5e3, 1e9, 1e15, 1e200})
    void labelsStayShortAtEveryMagnitudeOnBothScales(double magnitude) throws Exception {
        double[] x = iterations(50);
        double[] spread = new double[50];
        double[] flat = new double[50];
        double[] huge = new double[50];
        for (int i = 0; i < 50; i++) {
            spread[i] = magnitude * (1 + i * 0.37);
            flat[i] = magnitude * 1.2345678901234;
            huge[i] = magnitude * Math.pow(10, i / 5.0);
        }
        for (boolean log : new boolean[] {true, false}) {
            for (double[] y : List.of(spread, flat, huge)) {
                Document svg = parse(renderer.svg(chart(log), List.of(new PlotRenderer.Series("s", x, y))));
                assertNoLongNumbers(svg);
                assertThat(tickLabels(svg, "y-axis"))
                        .as("log=%s, magnitude %s", log, magnitude)
                        .hasSizeGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aLossSpanningLessThanADecadeStillGetsLabels() throws Exception {
        double[] x = iterations(100);
        double[] y = new double[100];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1400 * Math.pow(10, -0.6 * i / 99); // 1400 → 351, 0.6 decades, no power of ten inside
        }
        Document svg = parse(renderer.svg(chart(true), List.of(new PlotRenderer.Series("train", x, y))));

        List<String> labels = tickLabels(svg, "y-axis");
        assertThat(labels).hasSizeGreaterThanOrEqualTo(3);
        for (String label : labels) {
            double v = Double.parseDouble(label);
            assertThat(v).isBetween(300.0, 1600.0);
        }
    }

    @Test
    void theIterationAxisIsWholeNumbersEvenForOnePoint() throws Exception {
        Document svg = parse(renderer.svg(
                chart(true), List.of(new PlotRenderer.Series("train", new double[] {0}, new double[] {2776.4}))));

        List<String> labels = tickLabels(svg, "x-axis");
        assertThat(labels).isNotEmpty().allMatch(l -> l.matches("\\d+"), "whole iterations");
        assertNoLongNumbers(svg);

        List<String> manyLabels = tickLabels(
                parse(renderer.svg(
                        chart(false),
                        List.of(new PlotRenderer.Series("train", new double[] {0, 1, 2}, new double[] {3, 2, 1})))),
                "x-axis");
        assertThat(manyLabels).containsExactly("0", "1", "2");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void historiesOfOneOrTwoPointsAreDrawnAsMarkers(boolean log) throws Exception {
        Document one = parse(renderer.svg(
                chart(log), List.of(new PlotRenderer.Series("train", new double[] {0}, new double[] {812.5}))));
        Document two = parse(renderer.svg(
                chart(log), List.of(new PlotRenderer.Series("train", new double[] {0, 1}, new double[] {812.5, 640}))));

        assertThat(filledShapes(series(one).get(0))).isEqualTo(1);
        assertThat(filledShapes(series(two).get(0))).isEqualTo(2);
    }

    /**
     * A perfect fit (targets all 0, weights all 0) has a loss of exactly 0 at every point: nothing a
     * log axis can show, so the chart says so by drawing it on a linear axis rather than as an empty
     * frame over an iteration axis of 0 to 1.
     */
    @Test
    void aLossOfZeroEverywhereIsDrawnOnALinearAxisAcrossItsIterations() throws Exception {
        double[] x = iterations(4);
        double[] zeros = new double[4];
        Document svg = parse(renderer.svg(
                chart(true),
                List.of(new PlotRenderer.Series("train", x, zeros), new PlotRenderer.Series("test", x, zeros))));

        assertThat(groups(svg, "y-axis").get(0).getAttribute("data-scale")).isEqualTo("linear");
        assertThat(tickLabels(svg, "x-axis")).contains("0", "3");
        assertThat(series(svg))
                .hasSize(2)
                .allSatisfy(s -> assertThat(filledShapes(s)).isEqualTo(4));
        assertThat(texts(svg, "axis-label")).noneMatch(l -> l.contains("log scale"));
        assertThat(ImageIO.read(new ByteArrayInputStream(
                        renderer.png(chart(true), List.of(new PlotRenderer.Series("train", x, zeros))))))
                .isNotNull();
    }

    @Test
    void aDivergedRunIsMarkedWhereItsCurveStops() throws Exception {
        // The store keeps only the finite points; the job says where the loss stopped being finite.
        PlotRenderer.Series given = new PlotRenderer.Series("train", new double[] {0, 1}, new double[] {900, 4e7}, 2.0);
        // A caller that passes the non-finite tail itself gets the same mark.
        PlotRenderer.Series tail = new PlotRenderer.Series(
                "W0", new double[] {0, 1, 2, 3}, new double[] {5, 8e30, Double.POSITIVE_INFINITY, Double.NaN});

        for (PlotRenderer.Series s : List.of(given, tail)) {
            Document svg = parse(renderer.svg(chart(true), List.of(s)));
            assertThat(texts(svg, "divergence-label")).containsExactly("diverged at iteration 2");
            assertThat(filledShapes(series(svg).get(0))).isEqualTo(2);
            assertNoLongNumbers(svg);
        }
    }

    @Test
    void aRunThatBlewUpDoesNotFlattenTheOthers() throws Exception {
        double[] x = iterations(20);
        double[] steady = new double[20];
        double[] exploding = new double[20];
        for (int i = 0; i < 20; i++) {
            steady[i] = 1000 * Math.pow(0.9, i);
            exploding[i] = 1000 * Math.pow(1e15, i);
        }
        Document svg = parse(renderer.svg(
                chart(true),
                List.of(
                        new PlotRenderer.Series("steady", x, steady),
                        new PlotRenderer.Series("exploding", x, exploding, 20.0))));

        List<Double> ticks =
                tickLabels(svg, "y-axis").stream().map(Double::parseDouble).toList();
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(3);
        assertThat(ticks.get(ticks.size() - 1)).as("top label").isLessThan(1e6);
        assertThat(texts(svg, "divergence-label")).containsExactly("diverged at iteration 20");
    }

    @Test
    void longNamesSharingAPrefixKeepTheirDifferingParts() throws Exception {
        List<PlotRenderer.Series> lines = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            lines.add(new PlotRenderer.Series(
                    "normalisation x basis x depth [normalize=true, basisDegree=" + s + ", layers=[20, 20]]",
                    iterations(3),
                    new double[] {3 + s, 2 + s, 1 + s}));
        }
        List<String> labels = texts(parse(renderer.svg(chart(true), lines)), "legend-label");

        assertThat(labels).hasSize(3).allMatch(l -> l.length() <= 64).doesNotHaveDuplicates();
        assertThat(labels)
                .anyMatch(l -> l.contains("basisDegree=1"))
                .allMatch(l -> l.startsWith("…basisDegree="), "the shared words go, whole words only");
    }

    @Test
    void aRunWithNoFinitePointStillSaysItDiverged() throws Exception {
        Document svg = parse(renderer.svg(
                chart(true), List.of(new PlotRenderer.Series("train", new double[0], new double[0], 0.0))));

        assertThat(texts(svg, "divergence-label")).containsExactly("diverged at iteration 0");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 10, 18, 50})
    void everySeriesHasItsOwnColourDashAndMarker(int count) throws Exception {
        List<PlotRenderer.Series> lines = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            double[] y = new double[100];
            for (int i = 0; i < y.length; i++) {
                y[i] = (s + 1) * Math.exp(-i / 30.0);
            }
            lines.add(new PlotRenderer.Series("W" + s, iterations(100), y));
        }
        Document svg = parse(renderer.svg(chart(true), lines));

        List<Element> groups = series(svg);
        assertThat(groups).hasSize(count);
        Set<String> styles = new HashSet<>();
        for (Element g : groups) {
            Element line = (Element) g.getElementsByTagName("path").item(0);
            String dash = line.hasAttribute("stroke-dasharray") ? line.getAttribute("stroke-dasharray") : "solid";
            styles.add(line.getAttribute("stroke") + "|" + dash + "|" + g.getAttribute("data-marker"));
            assertThat(filledShapes(g)).isGreaterThan(0);
        }
        assertThat(styles).as("pairwise different (colour, dash, marker)").hasSize(count);
        if (count <= 10) {
            // the gradients chart: W0 and W8 (and any two layers) differ in colour, not only in dash or marker
            assertThat(groups.stream()
                            .map(g -> g.getAttribute("data-colour"))
                            .distinct()
                            .count())
                    .isGreaterThanOrEqualTo(Math.min(count, 7));
        }
    }

    @Test
    void theLegendReadsInTheOrderTheLinesEnd() throws Exception {
        // Named by rank, but the lines end in the reverse order from top to bottom.
        List<PlotRenderer.Series> lines = new ArrayList<>();
        for (int s = 0; s < 5; s++) {
            lines.add(new PlotRenderer.Series("rank " + s, iterations(10), constant(10, 100 * (s + 1))));
        }
        Document svg = parse(renderer.svg(chart(false), lines));

        assertThat(texts(svg, "legend-label")).containsExactly("rank 4", "rank 3", "rank 2", "rank 1", "rank 0");
    }

    @Test
    void pngAndSvgAreTheRequestedSize() throws IOException {
        PlotRenderer.Chart chart = new PlotRenderer.Chart("t", "iteration", "loss", true, 640, 360);
        List<PlotRenderer.Series> lines =
                List.of(new PlotRenderer.Series("train", iterations(3), new double[] {3, 2, 1}));

        var image = ImageIO.read(new ByteArrayInputStream(renderer.png(chart, lines)));
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(360);
        assertThat(renderer.svg(chart, lines)).contains("width=\"640\" height=\"360\"");
    }

    @Test
    void labelsWithMarkupCharactersStayWellFormed() throws Exception {
        Document svg = parse(renderer.svg(
                new PlotRenderer.Chart("a < b & \"c\"", "x", "y", false, 500, 300),
                List.of(new PlotRenderer.Series("<W0> & co", iterations(2), new double[] {1, 2}))));

        assertThat(texts(svg, "legend-label")).containsExactly("<W0> & co");
    }

    @Test
    void labelsHoldingCharactersXmlForbidsStayWellFormed() throws Exception {
        // U+FFFE, U+FFFF and unpaired surrogates are no XML 1.0 Char, not even as a character reference:
        // one of them in a name would make the whole file unreadable, so the plot leaves them out
        String svg = renderer.svg(
                new PlotRenderer.Chart("t\ufffeitle\uffff", "x", "y", false, 500, 300),
                List.of(
                        new PlotRenderer.Series("a\ufffeb", iterations(2), new double[] {1, 2}),
                        new PlotRenderer.Series("c\uffffd", iterations(2), new double[] {2, 3}),
                        new PlotRenderer.Series("\ud800e\udc00", iterations(2), new double[] {3, 4}),
                        new PlotRenderer.Series("f\u0001\ud83d\ude00", iterations(2), new double[] {4, 5})));

        Document parsed = parse(svg);

        assertThat(texts(parsed, "title")).containsExactly("title");
        assertThat(texts(parsed, "legend-label")).containsExactlyInAnyOrder("ab", "cd", "e", "f\ud83d\ude00");
    }

    private static double[] constant(int n, double v) {
        double[] y = new double[n];
        java.util.Arrays.fill(y, v);
        return y;
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Element> elements(NodeList nodes) {
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add((Element) nodes.item(i));
        }
        return out;
    }

    private static List<Element> groups(Document svg, String cssClass) {
        return elements(svg.getElementsByTagName("g")).stream()
                .filter(g -> List.of(g.getAttribute("class").split(" ")).contains(cssClass))
                .toList();
    }

    private static List<Element> series(Document svg) {
        return groups(svg, "series");
    }

    private static List<String> tickLabels(Document svg, String axis) {
        return elements(groups(svg, axis).get(0).getElementsByTagName("text")).stream()
                .filter(t -> t.getAttribute("class").equals("tick-label"))
                .map(Element::getTextContent)
                .toList();
    }

    private static List<String> texts(Document svg, String cssClass) {
        return elements(svg.getElementsByTagName("text")).stream()
                .filter(t -> t.getAttribute("class").equals(cssClass))
                .map(Element::getTextContent)
                .toList();
    }

    /** Filled shapes in a series' group are its markers (the line itself has fill="none"). */
    private static long filledShapes(Element group) {
        return elements(group.getElementsByTagName("path")).stream()
                .filter(p -> !p.getAttribute("fill").equals("none")
                        && !p.getAttribute("d").isBlank())
                .count();
    }

    private static void assertNoLongNumbers(Document svg) {
        for (Element text : elements(svg.getElementsByTagName("text"))) {
            assertThat(LONG_NUMBER.matcher(text.getTextContent()).find())
                    .as("label '%s' has a number with 15 or more digits", text.getTextContent())
                    .isFalse();
        }
    }
}
