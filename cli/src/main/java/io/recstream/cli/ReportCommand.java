package io.recstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recstream.jobs.drift.Signals;
import io.recstream.jobs.evaluation.OnlineMetrics;
import io.recstream.training.TimeParsing;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recstream report}: draws the monitor's series (the JSON lines of {@code replay --monitor
 * --series}) over time with JFreeChart: divergence per signal against its alert threshold with the
 * alerts marked, the cold-user rate, and online hit-rate and NDCG per model version and strategy.
 * Writes a PNG, or an HTML page with the chart and the alert list.
 */
@Command(
        name = "report",
        description =
                "Draw the monitor's series (written by replay --monitor --series) over time: KL per"
                        + " signal against its threshold with alerts marked, cold-user rate,"
                        + " hit-rate and NDCG. --out ending in .png writes the chart, .html a page"
                        + " with the chart and the alerts.")
public final class ReportCommand implements Callable<Integer> {

    @InputPath
    @Option(names = "--series", required = true, description = "series file (JSON lines)")
    Path series;

    @Option(names = "--out", required = true, description = "report.png or report.html")
    Path out;

    @Option(
            names = "--width",
            defaultValue = "1200",
            description = "image width in pixels (default: ${DEFAULT-VALUE})")
    int width;

    @Option(
            names = "--height",
            defaultValue = "1000",
            description = "image height in pixels (default: ${DEFAULT-VALUE})")
    int height;

    @Option(names = "--title", description = "chart title (default: the series file's name)")
    String title;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One value of one signal in one window. */
    record Point(long windowEnd, double value, double enterThreshold) {}

    /** An alert transition. */
    record Alert(long windowEnd, String signal, String state, double value, String summary) {}

    /** The series file, read: values by series name (signal, plus version/strategy) and alerts. */
    record Series(Map<String, List<Point>> values, List<Alert> alerts) {
        long firstWindowEnd() {
            return values.values().stream()
                    .flatMap(List::stream)
                    .mapToLong(Point::windowEnd)
                    .min()
                    .orElse(0);
        }

        long lastWindowEnd() {
            return values.values().stream()
                    .flatMap(List::stream)
                    .mapToLong(Point::windowEnd)
                    .max()
                    .orElse(0);
        }
    }

    /** The three panels: which series go where, and their axis labels. */
    enum Panel {
        DIVERGENCE("KL divergence", s -> signalOf(s).endsWith(Signals.KL)),
        COLD_USERS("cold-user rate", s -> signalOf(s).equals(Signals.COLD_USER_RATE)),
        QUALITY(
                "online hit-rate / NDCG",
                s ->
                        signalOf(s).equals(OnlineMetrics.HIT_RATE)
                                || signalOf(s).equals(OnlineMetrics.NDCG));

        final String label;
        final Predicate<String> holds;

        Panel(String label, Predicate<String> holds) {
            this.label = label;
            this.holds = holds;
        }
    }

    private static String signalOf(String seriesName) {
        int space = seriesName.indexOf(' ');
        return space < 0 ? seriesName : seriesName.substring(0, space);
    }

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true"); // charts are drawn off-screen
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean html = name.endsWith(".html") || name.endsWith(".htm");
        if (!html && !name.endsWith(".png")) {
            throw new IllegalArgumentException(
                    "--out must end in .png or .html, got '" + out + "'");
        }
        if (width < 200 || height < 200) {
            throw new IllegalArgumentException("--width and --height must be at least 200");
        }
        Series data = read(series);
        JFreeChart chart =
                chart(data, title != null ? title : "recstream monitor: " + series.getFileName());
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        if (html) {
            Files.writeString(out, html(data, chart));
        } else {
            ChartUtils.saveChartAsPNG(out.toFile(), chart, width, height);
        }
        System.out.printf(
                "wrote %s: %d series over %s .. %s, %d alert transitions%n",
                out,
                data.values().size(),
                TimeParsing.format(data.firstWindowEnd()),
                TimeParsing.format(data.lastWindowEnd()),
                data.alerts().size());
        return 0;
    }

    /** Reads a series file; a bad line fails with its file and line number. */
    static Series read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--series " + file + ": cannot be read: " + e.getMessage());
        }
        Map<String, List<Point>> values = new TreeMap<>();
        List<Alert> alerts = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).trim();
            if (line.isEmpty()) {
                continue;
            }
            try {
                JsonNode j = JSON.readTree(line);
                String type = required(j, "type").asText();
                String signal = required(j, "signal").asText();
                long windowEnd = required(j, "window_end").asLong();
                double value = required(j, "value").asDouble();
                if (type.equals("signal")) {
                    String version = j.path("model_version").asText("");
                    String strategy = j.path("strategy").asText("");
                    String key = signal;
                    if (!version.isEmpty() && !version.equals(Signals.ALL)) {
                        key += " " + version;
                    }
                    if (!strategy.isEmpty() && !strategy.equals(Signals.ALL)) {
                        key += " " + strategy;
                    }
                    values.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(
                                    new Point(
                                            windowEnd,
                                            value,
                                            j.path("enter_threshold").asDouble(Double.NaN)));
                } else if (type.equals("alert")) {
                    alerts.add(
                            new Alert(
                                    windowEnd,
                                    signal,
                                    required(j, "state").asText(),
                                    value,
                                    j.path("summary").asText("")));
                } else {
                    throw new IllegalArgumentException("unknown type '" + type + "'");
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--series " + file + " line " + (n + 1) + ": " + e.getMessage());
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException(
                    "--series "
                            + file
                            + " holds no signal values (write one with replay --monitor --series)");
        }
        values.values().forEach(l -> l.sort((a, b) -> Long.compare(a.windowEnd, b.windowEnd)));
        return new Series(values, alerts);
    }

    private static JsonNode required(JsonNode j, String field) {
        JsonNode v = j.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    /** The series of each panel, in panel order; thresholds as "<series> threshold". */
    static Map<Panel, XYSeriesCollection> datasets(Series data) {
        Map<Panel, XYSeriesCollection> out = new LinkedHashMap<>();
        for (Panel panel : Panel.values()) {
            XYSeriesCollection c = new XYSeriesCollection();
            data.values()
                    .forEach(
                            (name, points) -> {
                                if (!panel.holds.test(name)) {
                                    return;
                                }
                                XYSeries values = new XYSeries(name, true, true);
                                XYSeries threshold = new XYSeries(name + " threshold", true, true);
                                for (Point p : points) {
                                    if (Double.isFinite(p.value())) {
                                        values.addOrUpdate(p.windowEnd(), p.value());
                                    }
                                    if (Double.isFinite(p.enterThreshold())) {
                                        threshold.addOrUpdate(p.windowEnd(), p.enterThreshold());
                                    }
                                }
                                c.addSeries(values);
                                if (threshold.getItemCount() > 0) {
                                    c.addSeries(threshold);
                                }
                            });
            if (c.getSeriesCount() > 0) {
                out.put(panel, c);
            }
        }
        return out;
    }

    static JFreeChart chart(Series data, String title) {
        DateAxis time = new DateAxis("window end (UTC)");
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(time);
        plot.setGap(12);
        Paint[] palette = DefaultDrawingSupplier.DEFAULT_PAINT_SEQUENCE;
        datasets(data)
                .forEach(
                        (panel, dataset) -> {
                            XYLineAndShapeRenderer renderer =
                                    new XYLineAndShapeRenderer(true, false);
                            int colour = 0;
                            for (int i = 0; i < dataset.getSeriesCount(); i++) {
                                boolean isThreshold =
                                        dataset.getSeriesKey(i).toString().endsWith(" threshold");
                                if (!isThreshold) {
                                    colour++;
                                }
                                // a threshold is drawn dashed in the colour of its signal
                                renderer.setSeriesPaint(i, palette[(colour - 1) % palette.length]);
                                renderer.setSeriesStroke(
                                        i,
                                        isThreshold
                                                ? new BasicStroke(
                                                        1.2f,
                                                        BasicStroke.CAP_BUTT,
                                                        BasicStroke.JOIN_MITER,
                                                        10f,
                                                        new float[] {6f, 4f},
                                                        0f)
                                                : new BasicStroke(2f));
                            }
                            NumberAxis axis = new NumberAxis(panel.label);
                            axis.setAutoRangeIncludesZero(true);
                            XYPlot sub = new XYPlot(dataset, null, axis, renderer);
                            sub.setBackgroundPaint(Color.WHITE);
                            sub.setRangeGridlinePaint(Color.LIGHT_GRAY);
                            sub.setDomainGridlinePaint(Color.LIGHT_GRAY);
                            if (panel == Panel.DIVERGENCE) {
                                for (Alert a : data.alerts()) {
                                    sub.addDomainMarker(marker(a));
                                }
                            }
                            plot.add(sub, panel == Panel.DIVERGENCE ? 2 : 1);
                        });
        JFreeChart chart =
                new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static ValueMarker marker(Alert a) {
        boolean firing = a.state().equals("FIRING");
        ValueMarker m =
                new ValueMarker(
                        a.windowEnd(),
                        firing ? new Color(200, 30, 30) : new Color(30, 140, 60),
                        new BasicStroke(1.5f));
        m.setLabel(a.state() + " " + a.signal());
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        return m;
    }

    private String html(Series data, JFreeChart chart) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, width, height);
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(escape(chart.getTitle().getText()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;")
                .append("padding:4px 8px;text-align:left}.FIRING{color:#c81e1e}")
                .append(".RESOLVED{color:#1e8c3c}</style></head><body>\n<h1>")
                .append(escape(chart.getTitle().getText()))
                .append("</h1>\n<p>")
                .append(TimeParsing.format(data.firstWindowEnd()))
                .append(" .. ")
                .append(TimeParsing.format(data.lastWindowEnd()))
                .append(", ")
                .append(data.values().size())
                .append(" series from ")
                .append(escape(series.toString()))
                .append("</p>\n<img alt=\"monitor series\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(png.toByteArray()))
                .append("\">\n<h2>Alerts</h2>\n");
        if (data.alerts().isEmpty()) {
            h.append("<p>No alert fired.</p>\n");
        } else {
            h.append(
                    "<table><tr><th>window end</th><th>signal</th><th>state</th><th>value</th>"
                            + "<th>summary</th></tr>\n");
            for (Alert a : data.alerts()) {
                h.append("<tr><td>")
                        .append(TimeParsing.format(a.windowEnd()))
                        .append("</td><td>")
                        .append(escape(a.signal()))
                        .append("</td><td class=\"")
                        .append(escape(a.state()))
                        .append("\">")
                        .append(escape(a.state()))
                        .append("</td><td>")
                        .append(String.format(Locale.ROOT, "%.4f", a.value()))
                        .append("</td><td>")
                        .append(escape(a.summary()))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Last values</h2>\n<table><tr><th>series</th><th>last</th><th>min</th>")
                .append("<th>max</th><th>windows</th></tr>\n");
        data.values()
                .forEach(
                        (name, points) -> {
                            double min = points.stream().mapToDouble(Point::value).min().orElse(0);
                            double max = points.stream().mapToDouble(Point::value).max().orElse(0);
                            h.append("<tr><td>")
                                    .append(escape(name))
                                    .append(
                                            String.format(
                                                    Locale.ROOT,
                                                    "</td><td>%.4f</td><td>%.4f</td><td>%.4f</td>"
                                                            + "<td>%d</td></tr>%n",
                                                    points.get(points.size() - 1).value(),
                                                    min,
                                                    max,
                                                    points.size()));
                        });
        return h.append("</table>\n</body></html>\n").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
