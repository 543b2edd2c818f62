package io.recstream.cli;

import io.recstream.jobs.config.StartupChecks;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code recstream} command. */
@Command(
        name = "recstream",
        mixinStandardHelpOptions = true,
        version = "recstream 0.1.0",
        description = "Streaming recommendations and drift monitoring on Apache Flink and Kafka.",
        subcommands = {
            io.recstream.cli.bench.BenchCommand.class,
            DemoCommand.class,
            GenerateCommand.class,
            ReplayCommand.class,
            ReportCommand.class,
            TrainCommand.class,
            TopicsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line; returns the exit code. Errors in options print one clear line. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    if (ex instanceof IllegalArgumentException
                            || ex instanceof io.recstream.model.InvalidModelBundleException) {
                        commandLine.getErr().println("error: " + ex.getMessage());
                        return 2;
                    }
                    for (Throwable t = ex; t != null; t = t.getCause()) {
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
}
