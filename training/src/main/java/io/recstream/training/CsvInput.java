package io.recstream.training;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads interactions and item categories from CSV files with a header row, mapping columns by name.
 * {@link #movielens()} is the layout of the MovieLens "latest" datasets.
 *
 * @param userColumn interactions: user id column
 * @param itemColumn interactions: item id column
 * @param timeColumn interactions: time column
 * @param valueColumn interactions: optional value column, or null
 * @param timeUnit how times are written: {@code seconds}, {@code millis} or {@code iso}
 * @param itemIdColumn items file: item id column
 * @param categoriesColumn items file: categories column
 * @param categorySeparator items file: separator between several categories in one cell
 * @param noCategory a category cell value meaning "none" (e.g. MovieLens' "(no genres listed)")
 * @param delimiter field delimiter
 */
public record CsvInput(
        String userColumn,
        String itemColumn,
        String timeColumn,
        String valueColumn,
        String timeUnit,
        String itemIdColumn,
        String categoriesColumn,
        String categorySeparator,
        String noCategory,
        char delimiter) {

    public CsvInput {
        if (!List.of("seconds", "millis", "iso").contains(timeUnit)) {
            throw new IllegalArgumentException(
                    "--time-unit must be seconds, millis or iso, got '" + timeUnit + "'");
        }
    }

    /** Generic defaults: columns user,item,timestamp(ms); items file item,categories ("|"). */
    public static CsvInput generic() {
        return new CsvInput(
                "user", "item", "timestamp", null, "millis", "item", "categories", "|", null, ',');
    }

    /** MovieLens "latest": ratings.csv (userId,movieId,rating,timestamp[s]), movies.csv. */
    public static CsvInput movielens() {
        return new CsvInput(
                "userId",
                "movieId",
                "timestamp",
                "rating",
                "seconds",
                "movieId",
                "genres",
                "|",
                "(no genres listed)",
                ',');
    }

    /** Reads the interactions, in file order. */
    public List<TrainingEvent> readInteractions(Path file) throws IOException {
        List<TrainingEvent> events = new ArrayList<>();
        String name = file.getFileName().toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = format().parse(reader)) {
            requireColumns(parser, file, userColumn, itemColumn, timeColumn);
            if (valueColumn != null) {
                requireColumns(parser, file, valueColumn);
            }
            for (CSVRecord r : parser) {
                long line = r.getRecordNumber() + 1;
                try {
                    long time = parseTime(r.get(timeColumn));
                    double value =
                            valueColumn == null || r.get(valueColumn).isBlank()
                                    ? Double.NaN
                                    : Double.parseDouble(r.get(valueColumn));
                    events.add(
                            new TrainingEvent(
                                    name + ":" + line,
                                    r.get(userColumn),
                                    r.get(itemColumn),
                                    time,
                                    value));
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(
                            file + " line " + line + ": " + e.getMessage(), e);
                }
            }
        }
        return events;
    }

    /** Reads item categories: item id → categories (empty list when it has none). */
    public Map<String, List<String>> readItems(Path file) throws IOException {
        Map<String, List<String>> items = new LinkedHashMap<>();
        for (CatalogueRow row : readCatalogue(file, null, null)) {
            items.put(row.itemId(), row.categories());
        }
        return items;
    }

    /**
     * One row of an items file.
     *
     * @param createdAt epoch ms, or null when the file has no created-at column
     * @param available false for an item the file withdraws; true when there is no such column
     */
    public record CatalogueRow(
            String itemId, List<String> categories, Long createdAt, boolean available) {}

    /**
     * Reads an items file in file order: id and categories, and when their columns are given (not
     * null), when each item was created (written in {@link #timeUnit}) and whether it is available
     * ({@code true}/{@code false}, {@code 1}/{@code 0}, {@code yes}/{@code no}). A malformed cell
     * is an error naming file, line and column.
     */
    public List<CatalogueRow> readCatalogue(
            Path file, String createdAtColumn, String availableColumn) throws IOException {
        List<CatalogueRow> rows = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = format().parse(reader)) {
            requireColumns(parser, file, itemIdColumn, categoriesColumn);
            if (createdAtColumn != null) {
                requireColumns(parser, file, createdAtColumn);
            }
            if (availableColumn != null) {
                requireColumns(parser, file, availableColumn);
            }
            for (CSVRecord r : parser) {
                long line = r.getRecordNumber() + 1;
                String id = r.get(itemIdColumn);
                if (id.isBlank()) {
                    throw new IllegalArgumentException(
                            file + " line " + line + ": empty " + itemIdColumn);
                }
                Long created = null;
                if (createdAtColumn != null) {
                    try {
                        created = parseTime(r.get(createdAtColumn));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException(
                                file
                                        + " line "
                                        + line
                                        + ": column "
                                        + createdAtColumn
                                        + ": "
                                        + e.getMessage(),
                                e);
                    }
                }
                boolean available =
                        availableColumn == null
                                || parseFlag(r.get(availableColumn), file, line, availableColumn);
                rows.add(
                        new CatalogueRow(
                                id, categories(r.get(categoriesColumn)), created, available));
            }
        }
        return rows;
    }

    private List<String> categories(String text) {
        String cell = text.trim();
        if (cell.isEmpty() || cell.equals(noCategory)) {
            return List.of();
        }
        return Arrays.stream(cell.split(java.util.regex.Pattern.quote(categorySeparator)))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static boolean parseFlag(String text, Path file, long line, String column) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default ->
                    throw new IllegalArgumentException(
                            file
                                    + " line "
                                    + line
                                    + ": column "
                                    + column
                                    + ": expected true or false, got '"
                                    + text
                                    + "'");
        };
    }

    private CSVFormat format() {
        return CSVFormat.DEFAULT
                .builder()
                .setDelimiter(delimiter)
                .setHeader()
                .setSkipHeaderRecord(true)
                .setTrim(true)
                .get();
    }

    private static void requireColumns(CSVParser parser, Path file, String... columns) {
        for (String c : columns) {
            if (!parser.getHeaderMap().containsKey(c)) {
                throw new IllegalArgumentException(
                        file
                                + ": no column '"
                                + c
                                + "' (columns: "
                                + parser.getHeaderNames()
                                + ")");
            }
        }
    }

    private long parseTime(String text) {
        return switch (timeUnit) {
            case "seconds" -> Long.parseLong(text.trim()) * 1000L;
            case "millis" -> Long.parseLong(text.trim());
            default -> TimeParsing.parseInstant(text, timeColumn);
        };
    }
}
