package io.recstream.jobs.config;

import io.recstream.jobs.drift.AlertRule;
import io.recstream.jobs.drift.Signals;
import io.recstream.model.ModelBundle;
import io.recstream.model.ServingParameters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed, validated configuration of the monitor job. Alert thresholds are per signal ({@code
 * --alert.<signal>.enter}, {@code --alert.<signal>.exit}); KL signals alert by default, and the
 * cold-user rate alerts relative to the reference profile's rate.
 */
public final class MonitorJobConfig extends KafkaJobConfig {

    /** Signals that can alert. */
    public static final List<String> ALERTABLE;

    public static final List<Options.Spec> OPTIONS;

    /**
     * Default thresholds of the KL signals (nats): 0.1 / 0.05 for category histograms; 0.2 / 0.1
     * for the top-1 score histogram, whose deciles move with history length and recency and so vary
     * more between windows of undrifted traffic.
     */
    /**
     * A quarter of interactions with items the model was not trained on: by then the model misses a
     * large part of what users take, and retraining pays.
     */
    static final double DEFAULT_UNKNOWN_ITEM_RATE_ENTER = 0.25;

    static double defaultKlEnter(String signal) {
        return signal.startsWith(Signals.TOP1_SCORE) ? 0.2 : 0.1;
    }

    static {
        List<String> alertable = new ArrayList<>();
        for (String family :
                List.of(Signals.RECOMMENDED_CATEGORY, Signals.INPUT_CATEGORY, Signals.TOP1_SCORE)) {
            for (String suffix : List.of(Signals.KL, Signals.JS, Signals.PSI)) {
                alertable.add(family + suffix);
            }
        }
        alertable.add(Signals.COLD_USER_RATE);
        alertable.add(Signals.UNKNOWN_ITEM_RATE);
        ALERTABLE = List.copyOf(alertable);

        List<Options.Spec> o =
                new ArrayList<>(commonOptions("recstream-monitor", "recstream-monitor"));
        o.add(new Options.Spec("feedback-topic", "feedback", "feedback topic"));
        o.add(
                new Options.Spec(
                        "fresh.coverage-within",
                        "1h",
                        "fresh_item_coverage: a new item counts as shown if a recommendation held"
                                + " it within this long of its admission"));
        o.add(
                new Options.Spec(
                        "alerts-topic", "drift-alerts", "topic for FIRING / RESOLVED alerts"));
        o.add(
                new Options.Spec(
                        "signals-topic",
                        "monitor-signals",
                        "topic for every window's signal values"));
        o.add(
                new Options.Spec(
                        "horizon",
                        "30m",
                        "how long a recommendation waits for feedback (event time)"));
        o.add(
                new Options.Spec(
                        "allowed-lateness",
                        "1m",
                        "feedback this far behind the watermark is still joined; later is counted as late"));
        o.add(
                new Options.Spec(
                        "window",
                        "1h",
                        "size of the sliding windows of metrics and drift signals"));
        o.add(new Options.Spec("slide", "10m", "slide of those windows"));
        o.add(
                new Options.Spec(
                        "k",
                        null,
                        "list length for hit-rate@K and NDCG@K (default: the model card's)"));
        o.add(
                new Options.Spec(
                        "smoothing", "0.5", "additive smoothing pseudo-count of the histograms"));
        o.add(
                new Options.Spec(
                        "alert.enter-windows",
                        "2",
                        "consecutive windows above the enter threshold before FIRING"));
        o.add(
                new Options.Spec(
                        "alert.exit-windows",
                        "2",
                        "consecutive windows below the exit threshold before RESOLVED"));
        o.add(
                new Options.Spec(
                        "alert.cooldown",
                        null,
                        "no new FIRING this long after a RESOLVED (default: two slides)"));
        o.add(
                new Options.Spec(
                        "alert.min-samples",
                        "100",
                        "windows with fewer observations do not move alert states"));
        for (String signal : ALERTABLE) {
            o.add(
                    new Options.Spec(
                            "alert." + signal + ".enter",
                            null,
                            "enter threshold of "
                                    + signal
                                    + " (default: see docs/architecture.md, the monitor job)"));
            o.add(
                    new Options.Spec(
                            "alert." + signal + ".exit", null, "exit threshold of " + signal));
        }
        o.addAll(DedupSettings.options());
        OPTIONS = List.copyOf(o);
    }

    public final String feedbackTopic;
    public final String alertsTopic;
    public final String signalsTopic;
    public final Duration horizon;
    public final Duration freshCoverageWithin;
    public final Duration allowedLateness;
    public final Duration window;
    public final Duration slide;
    public final int k;
    public final double smoothing;
    public final Map<String, AlertRule> alertRules;
    public final DedupSettings dedup;

    private MonitorJobConfig(Options o) {
        super(o);
        ModelBundle bundle = ModelBundle.load(Path.of(model));
        feedbackTopic = o.string("feedback-topic");
        alertsTopic = o.string("alerts-topic");
        signalsTopic = o.string("signals-topic");
        horizon = o.duration("horizon");
        freshCoverageWithin = o.duration("fresh.coverage-within");
        dedup = DedupSettings.from(o, ServingParameters.fromCard(bundle.card()).historyWindow());
        allowedLateness = o.duration("allowed-lateness");
        window = o.duration("window");
        slide = o.duration("slide");
        if (window.toMillis() % slide.toMillis() != 0) {
            throw new IllegalArgumentException(
                    "--window (" + window + ") must be a multiple of --slide (" + slide + ")");
        }
        k =
                o.isSet("k")
                        ? o.intValue("k", 1, 1_000)
                        : ServingParameters.fromCard(bundle.card()).k();
        try {
            smoothing = Double.parseDouble(o.string("smoothing"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--smoothing: '" + o.string("smoothing") + "' is not a number");
        }
        if (!(smoothing > 0)) {
            throw new IllegalArgumentException("--smoothing must be > 0, got " + smoothing);
        }
        int enterWindows = o.intValue("alert.enter-windows", 1, 1_000);
        int exitWindows = o.intValue("alert.exit-windows", 1, 1_000);
        long cooldown =
                o.isSet("alert.cooldown")
                        ? o.duration("alert.cooldown").toMillis()
                        : 2 * slide.toMillis();
        long minSamples = o.intValue("alert.min-samples", 0, Integer.MAX_VALUE);
        double refCold = bundle.profile().coldUserRate();
        Map<String, AlertRule> rules = new LinkedHashMap<>();
        for (String signal : ALERTABLE) {
            Double enter = number(o, "alert." + signal + ".enter");
            Double exit = number(o, "alert." + signal + ".exit");
            if (enter == null) {
                if (signal.endsWith(Signals.KL)) {
                    enter = defaultKlEnter(signal);
                } else if (signal.equals(Signals.COLD_USER_RATE)) {
                    enter = Math.min(1.0, refCold + Math.max(0.1, refCold));
                } else if (signal.equals(Signals.UNKNOWN_ITEM_RATE)) {
                    enter = DEFAULT_UNKNOWN_ITEM_RATE_ENTER;
                }
            }
            if (enter == null) {
                continue; // JS and PSI alert only when given a threshold
            }
            if (exit == null) {
                exit =
                        signal.equals(Signals.COLD_USER_RATE)
                                ? refCold + (enter - refCold) / 2
                                : signal.equals(Signals.UNKNOWN_ITEM_RATE)
                                        ? enter * 0.6
                                        : enter / 2;
            }
            if (exit > enter) {
                throw new IllegalArgumentException(
                        "--alert."
                                + signal
                                + ".exit ("
                                + exit
                                + ") must not be above --alert."
                                + signal
                                + ".enter ("
                                + enter
                                + ")");
            }
            rules.put(
                    signal,
                    new AlertRule(enter, exit, enterWindows, exitWindows, cooldown, minSamples));
        }
        alertRules = Map.copyOf(rules);
    }

    private static Double number(Options o, String name) {
        String v = o.optionalString(name);
        if (v == null) {
            return null;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": '" + v + "' is not a number");
        }
    }

    public static MonitorJobConfig fromArgs(String... args) {
        return new MonitorJobConfig(Options.parse(args, OPTIONS));
    }
}
