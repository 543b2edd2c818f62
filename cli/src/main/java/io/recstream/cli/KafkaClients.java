package io.recstream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Kafka client settings from the command line. */
final class KafkaClients {
    private KafkaClients() {}

    /** Bootstrap servers plus an optional client properties file (security settings). */
    static Properties properties(String bootstrapServers, Path commandConfig) {
        Properties p = new Properties();
        if (commandConfig != null) {
            try (InputStream in = Files.newInputStream(commandConfig)) {
                p.load(in);
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "--command-config "
                                + commandConfig
                                + ": cannot be read: "
                                + e.getMessage());
            }
        }
        p.setProperty("bootstrap.servers", bootstrapServers);
        return p;
    }
}
