package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.AlertState;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.serde.JsonCodec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {

    private static final long HOUR = 3_600_000L;
    private static final long T0 = 1_700_000_000_000L;

    @TempDir static Path dir;
    private static Path series;

    /** Twelve windows: input KL rises past its threshold at window 6, then falls back at 10. */
    @BeforeAll
    static void writeSeries() throws Exception {
        List<byte[]> signals = new ArrayList<>();
        List<byte[]> alerts = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            long end = T0 + w * HOUR;
            double kl = w >= 6 && w < 10 ? 0.8 : 0.05;
            signals.add(
                    JsonCodec.signalValue(
                            new SignalValue(
                                    "input_category_kl",
                                    "ALL",
                                    "ALL",
                                    kl,
                                    500,
                                    end - HOUR,
                                    end,
                                    0.3,
                                    0.2)));
            signals.add(
                    JsonCodec.signalValue(
                            new SignalValue(
                                    "recommended_category_kl",
                                    "ALL",
                                    "ALL",
                                    0.02 * w,
                                    500,
                                    end - HOUR,
                                    end,
                                    0.3,
                                    0.2)));
            signals.add(
                    JsonCodec.signalValue(
                            new SignalValue(
                                    "cold_user_rate",
                                    "ALL",
                                    "ALL",
                                    0.1,
                                    500,
                                    end - HOUR,
                                    end,
                                    0.4,
                                    0.3)));
            signals.add(
                    JsonCodec.signalValue(
                            new SignalValue(
                                    "hit_rate_at_k",
                                    "v1",
                                    "MODEL",
                                    0.2 + 0.01 * w,
                                    300,
                                    end - HOUR,
                                    end,
                                    Double.NaN,
                                    Double.NaN)));
            signals.add(
                    JsonCodec.signalValue(
                            new SignalValue(
                                    "hit_rate_at_k",
                                    "v1",
                                    "POPULAR",
                                    0.1,
                                    100,
                                    end - HOUR,
                                    end,
                                    Double.NaN,
                                    Double.NaN)));
        }
        alerts.add(alert("FIRING", T0 + 6 * HOUR));
        alerts.add(alert("RESOLVED", T0 + 10 * HOUR));
        series = dir.resolve("series.jsonl");
        Files.write(series, SeriesFile.lines(signals, alerts));
    }

    private static byte[] alert(String state, long windowEnd) {
        DriftAlert a = new DriftAlert();
        a.setAlertId("input_category_kl@" + windowEnd);
        a.setModelVersion("v1");
        a.setEnterThreshold(0.3);
        a.setExitThreshold(0.2);
        a.setWindowStart(windowEnd - HOUR);
        a.setSignal("input_category_kl");
        a.setState(AlertState.valueOf(state));
        a.setValue(state.equals("FIRING") ? 0.8 : 0.05);
        a.setWindowEnd(windowEnd);
        a.setSummary("input_category_kl " + state + " <check>");
        return JsonCodec.driftAlert(a);
    }

    @Test
    void seriesGoToTheirPanelsWithThresholds() {
        ReportCommand.Series data = ReportCommand.read(series);
        assertThat(data.alerts())
                .extracting(ReportCommand.Alert::state)
                .containsExactly("FIRING", "RESOLVED");
        Map<ReportCommand.Panel, XYSeriesCollection> panels = ReportCommand.datasets(data);
        assertThat(panels).containsOnlyKeys(ReportCommand.Panel.values());
        assertThat(keys(panels.get(ReportCommand.Panel.DIVERGENCE)))
                .containsExactlyInAnyOrder(
                        "input_category_kl",
                        "input_category_kl threshold",
                        "recommended_category_kl",
                        "recommended_category_kl threshold");
        assertThat(keys(panels.get(ReportCommand.Panel.QUALITY)))
                .containsExactlyInAnyOrder("hit_rate_at_k v1 MODEL", "hit_rate_at_k v1 POPULAR");
        XYSeries input = panels.get(ReportCommand.Panel.DIVERGENCE).getSeries("input_category_kl");
        assertThat(input.getItemCount()).isEqualTo(12);
        assertThat(input.getMaxY()).isEqualTo(0.8);
        assertThat(input.getX(0).longValue()).isEqualTo(T0);
        XYSeries threshold =
                panels.get(ReportCommand.Panel.DIVERGENCE).getSeries("input_category_kl threshold");
        assertThat(threshold.getMinY()).isEqualTo(0.3);
        assertThat(threshold.getMaxY()).isEqualTo(0.3);
    }

    private static Set<String> keys(XYSeriesCollection c) {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < c.getSeriesCount(); i++) {
            keys.add(c.getSeriesKey(i).toString());
        }
        return keys;
    }

    @Test
    void writesAPngOfTheRequestedSize() throws Exception {
        Path png = dir.resolve("report.png");
        assertThat(
                        Main.run(
                                "report",
                                "--series",
                                series.toString(),
                                "--out",
                                png.toString(),
                                "--width",
                                "900",
                                "--height",
                                "700"))
                .isZero();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(700);
        assertThat(colours(image)).as("a drawn chart, not a blank image").isGreaterThan(20);
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }

    @Test
    void writesAnHtmlPageWithTheChartAndTheAlerts() throws Exception {
        Path html = dir.resolve("report.html");
        assertThat(Main.run("report", "--series", series.toString(), "--out", html.toString()))
                .isZero();
        String page = Files.readString(html);
        assertThat(page)
                .contains("<td class=\"FIRING\">FIRING</td>")
                .contains("<td class=\"RESOLVED\">RESOLVED</td>")
                .contains("input_category_kl FIRING &lt;check&gt;")
                .contains("<td>hit_rate_at_k v1 MODEL</td><td>0.3100</td>");
        Matcher m = Pattern.compile("data:image/png;base64,([A-Za-z0-9+/=]+)").matcher(page);
        assertThat(m.find()).isTrue();
        BufferedImage image =
                ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertThat(image.getWidth()).isEqualTo(1200);
    }

    @Test
    void badInputIsReportedWithTheOptionOrLine() throws Exception {
        Path broken = dir.resolve("broken.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(series));
        lines.set(3, "{\"type\":\"signal\",\"value\":1}");
        Files.write(broken, lines);
        assertThat(errorOf("report", "--series", broken.toString(), "--out", "x.png"))
                .contains("line 4")
                .contains("missing field 'signal'");
        assertThat(errorOf("report", "--series", series.toString(), "--out", "x.pdf"))
                .contains("--out must end in .png or .html");
        assertThat(
                        errorOf(
                                "report",
                                "--series",
                                dir.resolve("absent.jsonl").toString(),
                                "--out",
                                "x.png"))
                .contains("--series")
                .contains("absent.jsonl: no such file");
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n");
        assertThat(errorOf("report", "--series", empty.toString(), "--out", "x.png"))
                .contains("holds no signal values");
    }

    private static String errorOf(String... args) {
        Cli.Result r = Cli.run(args);
        assertThat(r.exitCode()).isEqualTo(2);
        return r.err();
    }
}
