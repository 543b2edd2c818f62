package io.recstream.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark's measured figures, each with its unit and the conditions it was measured under.
 */
public final class Figures {

    /** One figure. */
    public record Figure(String name, double value, String unit, String conditions) {}

    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, String> context = new LinkedHashMap<>();

    public void put(String name, double value, String unit, String conditions) {
        figures.put(name, new Figure(name, value, unit, conditions));
    }

    public double get(String name) {
        Figure f = figures.get(name);
        return f == null ? Double.NaN : f.value();
    }

    public boolean has(String name) {
        return figures.containsKey(name);
    }

    /** Run-wide facts (machine, mode) written beside the figures. */
    public void context(String key, String value) {
        context.put(key, value);
    }

    public Map<String, Figure> all() {
        return figures;
    }

    /** Prints every figure as a table row. */
    public void print(PrintStream out) {
        out.printf("%-34s %12s %-11s %s%n", "figure", "value", "unit", "conditions");
        for (Figure f : figures.values()) {
            out.printf(
                    Locale.ROOT,
                    "%-34s %12s %-11s %s%n",
                    f.name(),
                    format(f.value()),
                    f.unit(),
                    f.conditions());
        }
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Writes {@code {"context": {...}, "<figure>": {"value", "unit", "conditions"}, ...}}. */
    public void writeJson(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        ObjectNode ctx = root.putObject("context");
        context.forEach(ctx::put);
        for (Figure f : figures.values()) {
            ObjectNode n = root.putObject(f.name());
            if (Double.isFinite(f.value())) {
                n.put("value", f.value());
            } else {
                n.putNull("value");
            }
            n.put("unit", f.unit());
            n.put("conditions", f.conditions());
        }
        json.writeValue(file.toFile(), root);
    }
}
