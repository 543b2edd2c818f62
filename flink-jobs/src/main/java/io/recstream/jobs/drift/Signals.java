package io.recstream.jobs.drift;

import java.util.Map;

/** Names of the monitor's signals, and what a person on call should do when one alerts. */
public final class Signals {
    private Signals() {}

    public static final String RECOMMENDED_CATEGORY = "recommended_category";
    public static final String INPUT_CATEGORY = "input_category";
    public static final String TOP1_SCORE = "top1_score";
    public static final String KL = "_kl";
    public static final String JS = "_js";
    public static final String PSI = "_psi";
    public static final String COLD_USER_RATE = "cold_user_rate";
    public static final String UNKNOWN_ITEM_RATE = "unknown_item_rate";
    public static final String FRESH_ITEM_COVERAGE = "fresh_item_coverage";
    public static final String CATALOG_COVERAGE = "catalog_coverage";
    public static final String LABEL_COMPLETENESS = "label_completeness";
    public static final String LATE_FEEDBACK = "late_feedback";
    public static final String ALL = "ALL";

    private static final Map<String, String> ADVICE =
            Map.of(
                    RECOMMENDED_CATEGORY,
                    "The categories the model recommends have moved away from what it recommended"
                            + " at training time: check the input signals below and whether the"
                            + " model needs retraining.",
                    INPUT_CATEGORY,
                    "Users interact with other categories than at training time (new items"
                            + " counted in their catalogue categories): the audience's tastes"
                            + " moved; retrain on recent data.",
                    UNKNOWN_ITEM_RATE,
                    "The catalogue grew: users interact with items the model was not trained"
                            + " on. New items are served through their categories and fold-in"
                            + " until then; retrain to learn them.",
                    TOP1_SCORE,
                    "The model's confidence in its best item changed: check for new users or"
                            + " items, broken features, or a model swap.",
                    COLD_USER_RATE,
                    "More requests than at training time are answered by the popular-items"
                            + " fallback: a surge of new users, lost user state, or user ids that"
                            + " changed format.");

    /** The family of a signal name (e.g. recommended_category for recommended_category_kl). */
    public static String family(String signal) {
        for (String suffix : new String[] {KL, JS, PSI}) {
            if (signal.endsWith(suffix)) {
                return signal.substring(0, signal.length() - suffix.length());
            }
        }
        return signal;
    }

    public static String advice(String signal) {
        return ADVICE.getOrDefault(
                family(signal), "Check the monitor dashboards for what changed in this window.");
    }
}
