package io.recstream.cli;

import io.recstream.training.CsvInput;
import picocli.CommandLine.Option;

/** Column mapping of interaction and item CSV files, with presets. */
final class InputOptions {
    @Option(
            names = "--preset",
            description = "input layout preset: movielens (ratings.csv, movies.csv) or generic")
    String preset;

    @Option(
            names = "--user-column",
            description = "interactions: user column (generic default: user)")
    String userColumn;

    @Option(
            names = "--item-column",
            description = "interactions: item column (generic default: item)")
    String itemColumn;

    @Option(
            names = "--time-column",
            description = "interactions: time column (generic default: timestamp)")
    String timeColumn;

    @Option(
            names = "--value-column",
            description = "interactions: optional value column, e.g. a rating")
    String valueColumn;

    @Option(
            names = "--time-unit",
            description = "how times are written: seconds, millis or iso (generic default: millis)")
    String timeUnit;

    @Option(
            names = "--item-id-column",
            description = "items file: item column (generic default: item)")
    String itemIdColumn;

    @Option(
            names = "--categories-column",
            description = "items file: categories column (generic default: categories)")
    String categoriesColumn;

    @Option(
            names = "--category-separator",
            description = "items file: separator between categories (default: |)")
    String categorySeparator;

    @Option(names = "--delimiter", description = "field delimiter (default: ,)")
    Character delimiter;

    CsvInput toCsvInput() {
        CsvInput base;
        if (preset == null || preset.equals("generic")) {
            base = CsvInput.generic();
        } else if (preset.equals("movielens")) {
            base = CsvInput.movielens();
        } else {
            throw new IllegalArgumentException(
                    "--preset must be movielens or generic, got '" + preset + "'");
        }
        return new CsvInput(
                or(userColumn, base.userColumn()),
                or(itemColumn, base.itemColumn()),
                or(timeColumn, base.timeColumn()),
                or(valueColumn, base.valueColumn()),
                or(timeUnit, base.timeUnit()),
                or(itemIdColumn, base.itemIdColumn()),
                or(categoriesColumn, base.categoriesColumn()),
                or(categorySeparator, base.categorySeparator()),
                base.noCategory(),
                delimiter != null ? delimiter : base.delimiter());
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
