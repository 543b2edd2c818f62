package io.recstream.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw job options: {@code --name value} / {@code --name=value} flags, optionally on top of a flat
 * YAML file given with {@code --config FILE} (flags win). Every option must be known; typed getters
 * name the option in their errors.
 */
public final class Options implements Serializable {

    /** A known option: its name, default (null = none), and what it does. */
    public record Spec(String name, String defaultValue, String description)
            implements Serializable {}

    /**
     * Old option names still accepted for a release, and the names they now go by. A job given an
     * old name logs that it is deprecated.
     */
    static final Map<String, String> RENAMED = Map.of("kafka-properties", "command-config");

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Options.class);

    private final Map<String, Spec> specs;
    private final Map<String, String> values;

    private Options(Map<String, Spec> specs, Map<String, String> values) {
        this.specs = specs;
        this.values = values;
    }

    public static Options parse(String[] args, List<Spec> known) {
        Map<String, Spec> specs = new LinkedHashMap<>();
        known.forEach(s -> specs.put(s.name(), s));
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(
                        "unexpected argument '" + a + "': options look like --name value");
            }
            String name = a.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            flags.put(name, value);
        }
        Map<String, String> values = new LinkedHashMap<>();
        String configFile = flags.remove("config");
        if (configFile != null) {
            values.putAll(readYaml(Path.of(configFile)));
        }
        values.putAll(flags);
        for (Map.Entry<String, String> renamed : RENAMED.entrySet()) {
            String old = values.remove(renamed.getKey());
            if (old != null && specs.containsKey(renamed.getValue())) {
                LOG.warn(
                        "--{} is deprecated and will be removed: use --{}",
                        renamed.getKey(),
                        renamed.getValue());
                values.putIfAbsent(renamed.getValue(), old);
            } else if (old != null) {
                values.put(renamed.getKey(), old); // not this job's: refused below
            }
        }
        for (String name : values.keySet()) {
            if (!specs.containsKey(name)) {
                throw new IllegalArgumentException(
                        "unknown option --" + name + suggestion(name, specs.keySet()));
            }
        }
        return new Options(specs, values);
    }

    private static Map<String, String> readYaml(Path file) {
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
            Map<String, String> m = new LinkedHashMap<>();
            if (root == null) {
                return m;
            }
            if (!root.isObject()) {
                throw new IllegalArgumentException(
                        "--config " + file + ": expected a mapping of option: value");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isContainerNode()) {
                    throw new IllegalArgumentException(
                            "--config "
                                    + file
                                    + ": option '"
                                    + e.getKey()
                                    + "' must be a plain value");
                }
                m.put(e.getKey(), e.getValue().asText());
            }
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("--config " + file + ": " + e.getMessage(), e);
        }
    }

    private static String suggestion(String name, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(name, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean --" + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The value given, else the default, else null. */
    public String raw(String name) {
        Spec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalStateException("option " + name + " is not declared");
        }
        return values.getOrDefault(name, spec.defaultValue());
    }

    public boolean isSet(String name) {
        return values.containsKey(name);
    }

    public String string(String name) {
        String v = raw(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    public String optionalString(String name) {
        String v = raw(name);
        return v == null || v.isBlank() ? null : v;
    }

    public int intValue(String name, int min, int max) {
        String v = string(name);
        int i;
        try {
            i = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + v + "' is not an integer");
        }
        if (i < min || i > max) {
            throw new IllegalArgumentException(
                    "--" + name + ": " + i + " is outside [" + min + ", " + max + "]");
        }
        return i;
    }

    public boolean bool(String name) {
        String v = string(name).trim().toLowerCase();
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException("--" + name + ": '" + v + "' is not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /** Durations: 500ms, 30s, 5m, 2h, 30d or ISO-8601 (PT5M); must be > 0. */
    public Duration duration(String name) {
        return io.recstream.model.DurationText.parsePositive(string(name), "--" + name);
    }

    /** A duration the way options are written: 15m, 90s, 500ms. */
    public static String format(Duration d) {
        return io.recstream.model.DurationText.format(d);
    }

    /** A help text listing every option with its default. */
    public static String help(List<Spec> known) {
        StringBuilder sb = new StringBuilder();
        for (Spec s : known) {
            sb.append(String.format("  --%-32s %s", s.name(), s.description()));
            if (s.defaultValue() != null) {
                sb.append(" (default: ").append(s.defaultValue()).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
