package io.recstream.cli;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.serde.JsonCodec;
import io.recstream.topics.TopicCatalog;
import io.recstream.training.CsvInput;
import io.recstream.training.TimeParsing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code recstream items load|withdraw}: the item catalogue on its compacted topic. */
@Command(
        name = "items",
        description =
                "Write the item catalogue to its compacted topic: load an items file, withdraw"
                        + " items.",
        subcommands = {ItemsCommand.Load.class, ItemsCommand.Withdraw.class})
public final class ItemsCommand implements Runnable {

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the catalogue goes. */
    static class Target {
        @Mixin KafkaConnection kafka;

        @Option(
                names = "--topic",
                defaultValue = TopicCatalog.ITEMS,
                description = "the catalogue topic (default: ${DEFAULT-VALUE})")
        String topic;

        /** An idempotent producer to a cluster that answers, or a one-line error naming it. */
        KafkaProducer<byte[], byte[]> producer() {
            return KafkaClients.producer(kafka.reachable(), 20, 0);
        }
    }

    /** Sends and waits for every record; the first failure ends the command with its cause. */
    private static final class Sender implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;
        private final AtomicReference<Exception> error = new AtomicReference<>();
        private final Progress progress;

        Sender(Target target, String what, long total) {
            this.producer = target.producer();
            this.topic = target.topic;
            this.progress = new Progress(what, total);
        }

        void send(String itemId, byte[] value) {
            if (error.get() != null) {
                throw new IllegalStateException(
                        "sending to " + topic + " failed: " + error.get().getMessage(),
                        error.get());
            }
            producer.send(
                    new ProducerRecord<>(topic, itemId.getBytes(StandardCharsets.UTF_8), value),
                    (md, e) -> {
                        if (e != null) {
                            error.compareAndSet(null, e);
                        }
                    });
            progress.step(1);
        }

        @Override
        public void close() {
            producer.flush();
            progress.done();
            producer.close();
            if (error.get() != null) {
                throw new IllegalStateException(
                        "sending to " + topic + " failed: " + error.get().getMessage(),
                        error.get());
            }
        }
    }

    @Command(
            name = "load",
            description =
                    "Send every item of an items file (MovieLens movies.csv with --preset"
                            + " movielens, or any CSV with an id and a categories column) to the"
                            + " catalogue topic, keyed by item id. Loading again overwrites each"
                            + " item's record; the topic is compacted.")
    static final class Load implements Callable<Integer> {
        @Mixin Target target;

        @Mixin InputOptions input;

        @InputPath
        @Option(names = "--file", required = true, description = "the items CSV file")
        Path file;

        @Option(
                names = "--created-at-column",
                description =
                        "column with each item's creation time, written as --time-unit says"
                                + " (default: none; every item gets --created-at)")
        String createdAtColumn;

        @Option(
                names = "--created-at",
                defaultValue = "now",
                description =
                        "creation time of items without a --created-at-column: 'now' or an"
                                + " ISO-8601 instant; the jobs serve a new item only to requests"
                                + " at or after it (default: ${DEFAULT-VALUE})")
        String createdAt;

        @Option(
                names = "--available-column",
                description =
                        "column saying whether each item is available (true/false, 1/0,"
                                + " yes/no); a false item is sent as withdrawn (default: all"
                                + " available)")
        String availableColumn;

        @Override
        public Integer call() throws Exception {
            long defaultCreatedAt =
                    createdAt.equals("now")
                            ? System.currentTimeMillis()
                            : TimeParsing.parseInstant(createdAt, "--created-at");
            CsvInput csv = input.toCsvInput();
            List<CsvInput.CatalogueRow> rows =
                    csv.readCatalogue(file, createdAtColumn, availableColumn);
            long withdrawn = 0;
            try (Sender sender = new Sender(target, "items sent", rows.size())) {
                for (CsvInput.CatalogueRow row : rows) {
                    withdrawn += row.available() ? 0 : 1;
                    sender.send(
                            row.itemId(),
                            JsonCodec.item(
                                    new CatalogueItem(
                                            row.itemId(),
                                            row.categories().toArray(String[]::new),
                                            row.available(),
                                            row.createdAt() != null
                                                    ? row.createdAt()
                                                    : defaultCreatedAt)));
                }
            }
            System.out.printf(
                    "sent %,d items (%,d available, %,d withdrawn) from %s to %s%n",
                    rows.size(), rows.size() - withdrawn, withdrawn, file, target.topic);
            return 0;
        }
    }

    @Command(
            name = "withdraw",
            description =
                    "Withdraw items: a tombstone for each id on the catalogue topic. No strategy"
                            + " serves them from then on.")
    static final class Withdraw implements Callable<Integer> {
        @Mixin Target target;

        @Parameters(arity = "1..*", paramLabel = "ITEM_ID", description = "the items to withdraw")
        List<String> itemIds;

        @Override
        public Integer call() {
            try (Sender sender = new Sender(target, "tombstones sent", itemIds.size())) {
                for (String id : itemIds) {
                    sender.send(id, null);
                }
            }
            System.out.printf("withdrew %,d items on %s%n", itemIds.size(), target.topic);
            return 0;
        }
    }
}
