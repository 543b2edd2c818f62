package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What every command does with {@code --help}, a missing required option, an input path that is not
 * there or empty, and a Kafka address nobody listens on. One row per command; a command added to
 * {@link Main} without a row fails {@link #everyCommandHasARow()}.
 */
class CommandContractTest {

    @TempDir static Path tmp;
    private static Path file;
    private static Path dir;
    private static String closedBroker;

    /**
     * A command and the arguments it needs to get past parsing ({@code FILE} and {@code DIR} stand
     * for an existing file and directory); {@code kafka}: arguments that make it talk to {@code
     * BROKER} (an address nobody listens on), or null if it never talks to Kafka.
     */
    record Row(String command, List<String> valid, boolean hasRequired, List<String> kafka) {
        List<String> words() {
            return List.of(command.split(" "));
        }

        @Override
        public String toString() {
            return command;
        }
    }

    static final List<Row> ROWS =
            List.of(
                    new Row("bench", List.of(), false, null),
                    new Row(
                            "demo",
                            List.of(),
                            false,
                            List.of("--bootstrap-servers", "BROKER", "--duration", "5s")),
                    new Row(
                            "generate",
                            List.of(),
                            false,
                            List.of("--bootstrap-servers", "BROKER", "--duration", "2s")),
                    new Row(
                            "items load",
                            List.of("--bootstrap-servers", "BROKER", "--file", "FILE"),
                            true,
                            // the file's columns as id and categories, so loading gets to Kafka
                            List.of(
                                    "--bootstrap-servers",
                                    "BROKER",
                                    "--file",
                                    "FILE",
                                    "--categories-column",
                                    "user")),
                    new Row(
                            "items withdraw",
                            List.of("--bootstrap-servers", "BROKER", "i1"),
                            true,
                            List.of("--bootstrap-servers", "BROKER", "i1")),
                    new Row(
                            "replay",
                            List.of("--interactions", "FILE"),
                            true,
                            List.of(
                                    "--interactions",
                                    "FILE",
                                    "--produce-only",
                                    "--bootstrap-servers",
                                    "BROKER")),
                    new Row(
                            "report",
                            List.of("--series", "FILE", "--out", "DIR/r.html"),
                            true,
                            null),
                    new Row(
                            "topics apply",
                            List.of("--bootstrap-servers", "BROKER"),
                            true,
                            List.of("--bootstrap-servers", "BROKER")),
                    new Row(
                            "topics describe",
                            List.of("--bootstrap-servers", "BROKER"),
                            true,
                            List.of("--bootstrap-servers", "BROKER")),
                    new Row(
                            "train",
                            List.of("--interactions", "FILE", "--items", "FILE", "--out", "DIR/m"),
                            true,
                            null));

    @BeforeAll
    static void paths() throws IOException {
        file = Files.writeString(tmp.resolve("input.csv"), "user,item,timestamp\nu1,i1,1\n");
        dir = Files.createDirectories(tmp.resolve("dir"));
        try (ServerSocket s = new ServerSocket(0)) {
            closedBroker = "127.0.0.1:" + s.getLocalPort();
        }
    }

    static Stream<Row> rows() {
        return ROWS.stream();
    }

    private static List<String> expand(List<String> args) {
        return args.stream()
                .map(
                        a ->
                                a.replace("FILE", file.toString())
                                        .replace("DIR", dir.toString())
                                        .replace("BROKER", closedBroker))
                .toList();
    }

    private static Cli.Result run(Row row, List<String> args) {
        List<String> line = new ArrayList<>(row.words());
        line.addAll(expand(args));
        return Cli.run(line.toArray(String[]::new));
    }

    private static void noStackTrace(Cli.Result r) {
        assertThat(r.out() + r.err())
                .doesNotContain("Exception")
                .doesNotContain("\tat java.")
                .doesNotContain("[picocli WARN]");
    }

    private static String firstErrorLine(Cli.Result r) {
        return r.err().lines().findFirst().orElse("");
    }

    @Test
    void everyCommandHasARow() {
        TreeSet<String> commands = new TreeSet<>();
        leaves(Main.commandLine(), "", commands);
        assertThat(commands)
                .as("commands of Main: add a row to CommandContractTest.ROWS for a new one")
                .containsExactlyInAnyOrderElementsOf(ROWS.stream().map(Row::command).toList());
    }

    private static void leaves(CommandLine cli, String prefix, TreeSet<String> out) {
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            if (e.getValue().getCommand() instanceof CommandLine.HelpCommand) {
                continue;
            }
            String name = (prefix + " " + e.getKey()).trim();
            if (e.getValue().getSubcommands().isEmpty()) {
                out.add(name);
            } else {
                leaves(e.getValue(), name, out);
            }
        }
    }

    @ParameterizedTest(name = "{0} --help")
    @MethodSource("rows")
    void helpPrintsUsageAndExitsZeroWhateverElseIsOnTheLine(Row row) {
        for (List<String> extra :
                List.of(List.of("--help"), List.of("-h"), List.of("--no-such-option", "--help"))) {
            Cli.Result r = run(row, extra);
            assertThat(r.exitCode()).as("%s %s: %s", row, extra, r.err()).isZero();
            assertThat(r.out()).startsWith("Usage: recstream " + row.command() + " ");
            assertThat(r.err()).as("%s %s", row, extra).isEmpty();
            noStackTrace(r);
        }
        Cli.Result version = run(row, List.of("-V"));
        assertThat(version.exitCode()).isZero();
        assertThat(version.out().trim()).isEqualTo(Main.VERSION);
    }

    @ParameterizedTest(name = "{0} --help")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"topics", "items"})
    void aGroupOfCommandsAnswersHelpToo(String group) {
        for (List<String> line : List.of(List.of(group, "--help"), List.of(group))) {
            Cli.Result r = Cli.run(line.toArray(String[]::new));
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).startsWith("Usage: recstream " + group + " ");
            noStackTrace(r);
        }
    }

    @ParameterizedTest(name = "{0} without its required options")
    @MethodSource("rows")
    void aMissingRequiredOptionIsNamedWithExitTwo(Row row) {
        if (!row.hasRequired()) {
            return;
        }
        Cli.Result r = run(row, List.of());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(firstErrorLine(r)).startsWith("Missing required option");
        noStackTrace(r);
    }

    @ParameterizedTest(name = "{0} with a missing or empty input")
    @MethodSource("rows")
    void everyInputPathOptionNamesAMissingOrEmptyPath(Row row) throws IOException {
        Map<String, InputPath.Kind> inputs = inputOptions(row);
        for (Map.Entry<String, InputPath.Kind> input : inputs.entrySet()) {
            String option = input.getKey();
            String missing = tmp.resolve("no-such" + option).toString();
            Cli.Result r = run(row, with(row.valid(), option, missing));
            assertThat(r.exitCode()).as("%s %s %s: %s", row, option, missing, r.err()).isEqualTo(2);
            String noun = input.getValue() == InputPath.Kind.DIRECTORY ? "directory" : "file";
            assertThat(firstErrorLine(r))
                    .isEqualTo("error: " + option + " " + missing + ": no such " + noun);
            assertThat(r.err().lines()).hasSize(1);
            noStackTrace(r);
            if (input.getValue() == InputPath.Kind.FILE) {
                Path empty = Files.createTempFile(tmp, "empty", ".txt");
                Cli.Result e = run(row, with(row.valid(), option, empty.toString()));
                assertThat(e.exitCode()).isEqualTo(2);
                assertThat(firstErrorLine(e))
                        .isEqualTo("error: " + option + " " + empty + ": is empty");
            }
        }
    }

    @ParameterizedTest(name = "{0} with no Kafka at the address")
    @MethodSource("rows")
    void anUnreachableBrokerIsNamedWithExitOne(Row row) {
        if (row.kafka() == null) {
            return;
        }
        long start = System.nanoTime();
        Cli.Result r = run(row, row.kafka());
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        assertThat(firstErrorLine(r)).startsWith("error: cannot reach Kafka at " + closedBroker);
        noStackTrace(r);
        // the contract with the user: a named address within about 15 s, not after a minute
        assertThat(seconds).isLessThan(20);
    }

    @Test
    void everyCommandWithAnInputPathIsCovered() {
        int covered = 0;
        for (Row row : ROWS) {
            covered += inputOptions(row).size();
        }
        // train 2, replay 4, report 1, topics 2+2, items 2+1, demo 2, generate 1, bench 1
        assertThat(covered).isEqualTo(18);
    }

    /** The command's {@link InputPath} options, by longest name. */
    private static Map<String, InputPath.Kind> inputOptions(Row row) {
        CommandLine cli = Main.commandLine();
        for (String word : row.words()) {
            cli = cli.getSubcommands().get(word);
        }
        Map<String, InputPath.Kind> inputs = new TreeMap<>();
        for (OptionSpec o : cli.getCommandSpec().options()) {
            if (o.userObject() instanceof Field f && f.isAnnotationPresent(InputPath.class)) {
                inputs.put(o.names()[0], f.getAnnotation(InputPath.class).value());
            }
        }
        return inputs;
    }

    /** {@code args} with {@code option} set to {@code value}, replacing an earlier value. */
    private static List<String> with(List<String> args, String option, String value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option)) {
                i++;
                continue;
            }
            out.add(args.get(i));
        }
        out.add(option);
        out.add(value);
        return out;
    }
}
