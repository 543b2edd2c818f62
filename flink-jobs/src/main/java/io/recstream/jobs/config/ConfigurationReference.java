package io.recstream.jobs.config;

import java.util.List;

/**
 * The configuration reference in the docs ({@code docs/configuration-reference.md}), generated from
 * the jobs' option declarations. {@code ConfigurationReferenceTest} fails when the committed copy
 * is not what this renders, and says how to write it again.
 */
public final class ConfigurationReference {
    private ConfigurationReference() {}

    /** The whole page, as Markdown. */
    public static String render() {
        StringBuilder sb = new StringBuilder();
        sb.append("# Configuration reference\n\n")
                .append("Generated from the jobs' option declarations")
                .append(" (`RecommendJobConfig.OPTIONS`, `MonitorJobConfig.OPTIONS`); do not edit.")
                .append(" How options are given, and what they mean together, is in")
                .append(" [configuration](configuration.md). Options without a default are")
                .append(" required or computed as their description says.\n");
        table(sb, "The recommend job", RecommendJobConfig.OPTIONS);
        table(sb, "The monitor job", MonitorJobConfig.OPTIONS);
        return sb.toString();
    }

    private static void table(StringBuilder sb, String title, List<Options.Spec> options) {
        sb.append("\n## ").append(title).append("\n\n");
        sb.append("| option | default | description |\n|---|---|---|\n");
        for (Options.Spec s : options) {
            sb.append("| `--")
                    .append(s.name())
                    .append("` | ")
                    .append(s.defaultValue() == null ? "" : "`" + cell(s.defaultValue()) + "`")
                    .append(" | ")
                    .append(cell(s.description()))
                    .append(" |\n");
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
