package io.recstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recstream.jobs.events.DriftAlert;
import io.recstream.jobs.events.SignalValue;
import io.recstream.jobs.serde.JsonCodec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The monitor's series as JSON lines, in window-end order: one line per window and signal ({@code
 * signal}, {@code value}, {@code window_start}, {@code window_end}, thresholds when the signal
 * alerts, {@code samples}, {@code strategy}, {@code model_version}) and one per alert transition
 * ({@code "type":"alert"}, {@code signal}, {@code state}, {@code value}, {@code window_end}).
 */
final class SeriesFile {
    private SeriesFile() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static List<String> lines(List<byte[]> signals, List<byte[]> alerts) {
        record Line(long windowEnd, int order, String json) {}
        List<Line> lines = new ArrayList<>();
        for (byte[] raw : signals) {
            SignalValue v = JsonCodec.readSignalValue(raw);
            ObjectNode n = JSON.createObjectNode();
            n.put("type", "signal");
            n.put("signal", v.getSignal());
            n.put("value", v.getValue());
            n.put("window_start", v.getWindowStart());
            n.put("window_end", v.getWindowEnd());
            if (!Double.isNaN(v.getEnterThreshold())) {
                n.put("enter_threshold", v.getEnterThreshold());
                n.put("exit_threshold", v.getExitThreshold());
            }
            n.put("samples", v.getSamples());
            n.put("strategy", v.getStrategy());
            n.put("model_version", v.getModelVersion());
            lines.add(new Line(v.getWindowEnd(), 0, n.toString()));
        }
        for (byte[] raw : alerts) {
            DriftAlert a = JsonCodec.readDriftAlert(raw);
            ObjectNode n = JSON.createObjectNode();
            n.put("type", "alert");
            n.put("signal", a.getSignal());
            n.put("state", a.getState().name());
            n.put("value", a.getValue());
            n.put("window_end", a.getWindowEnd());
            n.put("summary", a.getSummary());
            lines.add(new Line(a.getWindowEnd(), 1, n.toString()));
        }
        lines.sort(Comparator.comparingLong(Line::windowEnd).thenComparingInt(Line::order));
        return lines.stream().map(Line::json).toList();
    }
}
