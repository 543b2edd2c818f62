package io.recstream.cli;

import io.recstream.jobs.config.StartupChecks;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The {@code recstream} command. Every command and subcommand answers {@code -h/--help} and {@code
 * -V/--version} with exit 0, whatever else is on the line; a missing or unreadable input file is
 * one {@code error:} line and exit 2; an unreachable Kafka cluster one line and exit 1.
 */
@Command(
        name = "recstream",
        mixinStandardHelpOptions = true,
        version = Main.VERSION,
        description = "Streaming recommendations and drift monitoring on Apache Flink and Kafka.",
        subcommands = {
            io.recstream.cli.bench.BenchCommand.class,
            DemoCommand.class,
            GenerateCommand.class,
            ItemsCommand.class,
            ReplayCommand.class,
            ReportCommand.class,
            TrainCommand.class,
            TopicsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    static final String VERSION = "recstream 0.1.0";

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    private static final List<String> HELP = List.of("-h", "--help");
    private static final List<String> VERSIONS = List.of("-V", "--version");

    @CommandLine.Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** The command line with help and version options on every (sub)command. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        addHelpOptions(cli);
        return cli;
    }

    /** Runs a command line; returns the exit code. Errors in options print one clear line. */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        CommandLine.IParameterExceptionHandler parameterErrors = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler(
                (ex, arguments) -> {
                    // --help (or --version) wins over anything else wrong on the line.
                    CommandLine where = ex.getCommandLine();
                    if (asks(arguments, HELP)) {
                        where.usage(where.getOut());
                        return 0;
                    }
                    if (asks(arguments, VERSIONS)
                            && where.getCommandSpec().findOption("-V") != null) {
                        where.printVersionHelp(where.getOut());
                        return 0;
                    }
                    return parameterErrors.handleParseException(ex, arguments);
                });
        cli.setExecutionStrategy(
                parsed -> {
                    Integer help = CommandLine.executeHelpRequest(parsed);
                    if (help != null) {
                        return help;
                    }
                    Optional<String> badInput = InputPaths.firstProblem(parsed);
                    if (badInput.isPresent()) {
                        cli.getErr().println("error: " + badInput.get());
                        return 2;
                    }
                    return new CommandLine.RunLast().execute(parsed);
                });
        cli.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    if (ex instanceof IllegalArgumentException
                            || ex instanceof io.recstream.model.InvalidModelBundleException) {
                        commandLine.getErr().println("error: " + ex.getMessage());
                        return 2;
                    }
                    if (ex instanceof KafkaReachability.UnreachableException) {
                        commandLine.getErr().println("error: " + ex.getMessage());
                        LOG.debug("Kafka not reachable", ex);
                        return 1;
                    }
                    for (Throwable t = ex; t != null; t = t.getCause()) {
                        if (t instanceof java.nio.file.NoSuchFileException
                                || t instanceof java.nio.file.AccessDeniedException) {
                            java.nio.file.FileSystemException f =
                                    (java.nio.file.FileSystemException) t;
                            String why =
                                    t instanceof java.nio.file.NoSuchFileException
                                            ? "no such file"
                                            : "permission denied";
                            commandLine.getErr().println("error: " + f.getFile() + ": " + why);
                            LOG.debug("input file problem", ex);
                            return 2;
                        }
                        if (t
                                instanceof
                                org.apache.kafka.common.errors.SslAuthenticationException tls) {
                            String settings =
                                    "the client properties' ssl.truststore.location /"
                                            + " ssl.truststore.password";
                            commandLine
                                    .getErr()
                                    .println(
                                            "error: Kafka: "
                                                    + StartupChecks.tlsFailure(
                                                            tls, "the broker", settings));
                            return 1;
                        }
                        if (t instanceof org.apache.kafka.common.KafkaException) {
                            commandLine.getErr().println("error: Kafka: " + t.getMessage());
                            return 1;
                        }
                    }
                    throw ex;
                });
        return cli.execute(args);
    }

    /** Whether the arguments (before a {@code --}) hold one of {@code names}. */
    private static boolean asks(String[] arguments, List<String> names) {
        for (String a : arguments) {
            if (a.equals("--")) {
                return false;
            }
            if (names.contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives every subcommand {@code -h/--help} and {@code -V/--version}; a command with an option
     * of its own named {@code --version} (train's model version) keeps it and gets {@code -V} only.
     */
    private static void addHelpOptions(CommandLine cli) {
        CommandSpec spec = cli.getCommandSpec();
        if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addOption(
                    OptionSpec.builder("-h", "--help")
                            .usageHelp(true)
                            .description("Show this help message and exit.")
                            .build());
        }
        if (spec.findOption("-V") == null) {
            String[] names =
                    spec.findOption("--version") == null
                            ? new String[] {"-V", "--version"}
                            : new String[] {"-V"};
            spec.addOption(
                    OptionSpec.builder(names)
                            .versionHelp(true)
                            .description("Print version information and exit.")
                            .build());
        }
        if (spec.version().length == 0) {
            spec.version(VERSION);
        }
        cli.getSubcommands().values().stream()
                .distinct()
                .filter(sub -> !(sub.getCommand() instanceof CommandLine.HelpCommand))
                .forEach(Main::addHelpOptions);
    }
}
