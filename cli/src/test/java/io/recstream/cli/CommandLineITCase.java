package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.testing.KafkaBroker;
import io.recstream.testing.OnnxTelemetryFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line as a user runs it: exit codes and what it prints. */
class CommandLineITCase {

    private static String captureOut(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badOptionsExitWithTwoAndNameTheOption() {
        PrintStream oldErr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.run("demo", "--rate", "0")).isEqualTo(2);
            assertThat(Main.run("demo", "--duration", "soon")).isEqualTo(2);
            assertThat(
                            Main.run(
                                    "topics",
                                    "apply",
                                    "--bootstrap-servers",
                                    "127.0.0.1:1",
                                    "--timeout",
                                    "2s"))
                    .as("unreachable broker")
                    .isEqualTo(1);
        } finally {
            System.setErr(oldErr);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--rate")
                .contains("--duration")
                .contains("error: cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void generateWritesAHistoryForTrainAndLiveTrafficToKafka(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(Main.run("generate", "--history", dir.toString())).isZero();
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("interactions.csv")))
                .hasSize(120_001)
                .first()
                .isEqualTo("user,item,timestamp");
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("items.csv"))).hasSize(2_001);
        try (KafkaBroker.Running kafka = KafkaBroker.start(KafkaBroker.Kind.configured())) {
            captureOut(
                    () ->
                            assertThat(
                                            Main.run(
                                                    "topics",
                                                    "apply",
                                                    "--bootstrap-servers",
                                                    kafka.bootstrapServers()))
                                    .isZero());
            assertThat(
                            Main.run(
                                    "generate",
                                    "--bootstrap-servers",
                                    kafka.bootstrapServers(),
                                    "--rate",
                                    "100",
                                    "--duration",
                                    "3s"))
                    .isZero();
            java.util.Properties p = new java.util.Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            try (org.apache.kafka.clients.admin.Admin admin =
                    org.apache.kafka.clients.admin.Admin.create(p)) {
                var partitions =
                        admin
                                .describeTopics(java.util.List.of("interactions"))
                                .allTopicNames()
                                .get()
                                .get("interactions")
                                .partitions()
                                .stream()
                                .map(
                                        i ->
                                                new org.apache.kafka.common.TopicPartition(
                                                        "interactions", i.partition()))
                                .collect(
                                        java.util.stream.Collectors.toMap(
                                                tp -> tp,
                                                tp ->
                                                        org.apache.kafka.clients.admin.OffsetSpec
                                                                .latest()));
                long total =
                        admin.listOffsets(partitions).all().get().values().stream()
                                .mapToLong(
                                        org.apache.kafka.clients.admin.ListOffsetsResult
                                                        .ListOffsetsResultInfo
                                                ::offset)
                                .sum();
                assertThat(total).as("about 3 s x 100 events/s").isBetween(200L, 320L);
            }
        }
    }

    @Test
    void itemsLoadSendsAMovieLensCatalogueAndWithdrawSendsTombstones(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path movies =
                java.nio.file.Files.writeString(
                        dir.resolve("movies.csv"),
                        """
                        movieId,title,genres
                        1,Toy Story (1995),Adventure|Animation|Children
                        2,"American President, The (1995)",Comedy|Drama|Romance
                        3,Some Film (2018),(no genres listed)
                        """);
        try (KafkaBroker.Running kafka = KafkaBroker.start(KafkaBroker.Kind.configured())) {
            assertThat(Main.run("topics", "apply", "--bootstrap-servers", kafka.bootstrapServers()))
                    .isZero();
            long before = System.currentTimeMillis();
            String loaded =
                    captureOut(
                            () ->
                                    assertThat(
                                                    Main.run(
                                                            "items",
                                                            "load",
                                                            "--bootstrap-servers",
                                                            kafka.bootstrapServers(),
                                                            "--preset",
                                                            "movielens",
                                                            "--file",
                                                            movies.toString()))
                                            .isZero());
            long after = System.currentTimeMillis();
            assertThat(loaded).contains("sent 3 items (3 available, 0 withdrawn)");
            String withdrawn =
                    captureOut(
                            () ->
                                    assertThat(
                                                    Main.run(
                                                            "items",
                                                            "withdraw",
                                                            "--bootstrap-servers",
                                                            kafka.bootstrapServers(),
                                                            "2"))
                                            .isZero());
            assertThat(withdrawn).contains("withdrew 1 items on items");

            java.util.Properties p = new java.util.Properties();
            p.put("bootstrap.servers", kafka.bootstrapServers());
            p.put("isolation.level", "read_committed");
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records =
                    new java.util.ArrayList<>();
            try (var consumer =
                    new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(
                            p,
                            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                var partition = new org.apache.kafka.common.TopicPartition("items", 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                long deadline = System.currentTimeMillis() + 30_000;
                while (records.size() < 4 && System.currentTimeMillis() < deadline) {
                    consumer.poll(java.time.Duration.ofMillis(500)).forEach(records::add);
                }
            }
            assertThat(records).hasSize(4);
            com.fasterxml.jackson.databind.ObjectMapper json =
                    new com.fasterxml.jackson.databind.ObjectMapper();
            List<String> keys =
                    records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
            assertThat(keys).containsExactly("1", "2", "3", "2");
            var first = json.readTree(records.get(0).value());
            assertThat(first.get("item_id").asText()).isEqualTo("1");
            assertThat(first.get("categories").toString())
                    .isEqualTo("[\"Adventure\",\"Animation\",\"Children\"]");
            assertThat(first.get("available").asBoolean()).isTrue();
            assertThat(first.get("created_at").asLong()).isBetween(before, after);
            assertThat(json.readTree(records.get(2).value()).get("categories").size())
                    .as("(no genres listed) is no category")
                    .isZero();
            assertThat(records.get(3).value()).as("a tombstone withdraws item 2").isNull();
        }
    }

    @Test
    void topicsApplyTwiceChangesNothingTheSecondTime() {
        try (KafkaBroker.Running kafka = KafkaBroker.start(KafkaBroker.Kind.configured())) {
            String first =
                    captureOut(
                            () ->
                                    assertThat(
                                                    Main.run(
                                                            "topics",
                                                            "apply",
                                                            "--bootstrap-servers",
                                                            kafka.bootstrapServers()))
                                            .isZero());
            assertThat(first).contains("7 topic(s) changed, 0 unchanged");
            String second =
                    captureOut(
                            () ->
                                    assertThat(
                                                    Main.run(
                                                            "topics",
                                                            "apply",
                                                            "--bootstrap-servers",
                                                            kafka.bootstrapServers()))
                                            .isZero());
            assertThat(second).contains("0 topic(s) changed, 7 unchanged");
            String described =
                    captureOut(
                            () ->
                                    assertThat(
                                                    Main.run(
                                                            "topics",
                                                            "describe",
                                                            "--bootstrap-servers",
                                                            kafka.bootstrapServers()))
                                            .isZero());
            assertThat(described)
                    .contains("recommendations: partitions=4")
                    .contains("retention.ms=259200000");
        }
    }

    /**
     * Waits for the interactions topic on {@code bootstrap} (the demo creates it), then sends
     * {@code n} valid interactions of its own while the demo runs.
     */
    private static void produceForeign(
            String bootstrap, int n, java.util.concurrent.atomic.AtomicInteger sent) {
        java.util.Properties p = new java.util.Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("max.block.ms", "5000");
        long deadline = System.nanoTime() + java.time.Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                    new org.apache.kafka.clients.producer.KafkaProducer<>(
                            p,
                            new org.apache.kafka.common.serialization.StringSerializer(),
                            new org.apache.kafka.common.serialization.StringSerializer())) {
                producer.partitionsFor("interactions");
                Thread.sleep(8_000); // the jobs are running by now
                for (int i = 0; i < n; i++) {
                    String json =
                            "{\"event_id\":\"other-app-"
                                    + i
                                    + "\",\"user_id\":\"other-user-"
                                    + i
                                    + "\",\"item_id\":\"i1\",\"type\":\"CLICK\",\"timestamp\":"
                                    + System.currentTimeMillis()
                                    + "}";
                    producer.send(
                                    new org.apache.kafka.clients.producer.ProducerRecord<>(
                                            "interactions", "other-user-" + i, json))
                            .get();
                    Thread.sleep(50);
                }
                sent.set(n);
                return;
            } catch (InterruptedException e) {
                return;
            } catch (Exception notYet) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /**
     * On a cluster that other producers also write to, the demo counts only the recommendations
     * that answer its own events: it used to fail with "N valid events but N+M recommendations".
     */
    @Test
    void onASharedClusterTheDemoCountsOnlyItsOwnRequests(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path summary = dir.resolve("summary.json");
        try (KafkaBroker.Running kafka = KafkaBroker.start(KafkaBroker.Kind.configured())) {
            java.util.concurrent.atomic.AtomicInteger foreignSent =
                    new java.util.concurrent.atomic.AtomicInteger();
            Thread foreign =
                    new Thread(() -> produceForeign(kafka.bootstrapServers(), 40, foreignSent));
            foreign.start();
            String out =
                    captureOut(
                            () ->
                                    assertThat(
                                                    Main.run(
                                                            "demo",
                                                            "--bootstrap-servers",
                                                            kafka.bootstrapServers(),
                                                            "--duration",
                                                            "20s",
                                                            "--rate",
                                                            "100",
                                                            "--work-dir",
                                                            dir.resolve("work").toString(),
                                                            "--summary",
                                                            summary.toString()))
                                            .isZero());
            foreign.join(10_000);
            assertThat(foreignSent.get()).as("events another producer sent").isEqualTo(40);
            com.fasterxml.jackson.databind.JsonNode s =
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.toFile());
            assertThat(s.get("recommendations_out").asLong())
                    .as(out)
                    .isEqualTo(s.get("events_valid").asLong());
            assertThat(s.get("recommendations_not_ours").asLong()).isEqualTo(40);
        }
    }

    @Test
    void demoServesEveryValidEventAndMonitorsIt(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path summary = dir.resolve("summary.json");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        java.util.concurrent.atomic.AtomicReference<String> scraped =
                new java.util.concurrent.atomic.AtomicReference<>("");
        Thread scraper =
                new Thread(
                        () -> {
                            java.net.http.HttpClient http =
                                    java.net.http.HttpClient.newHttpClient();
                            while (!Thread.currentThread().isInterrupted()) {
                                try {
                                    String body =
                                            http.send(
                                                            java.net.http.HttpRequest.newBuilder(
                                                                            java.net.URI.create(
                                                                                    "http://127.0.0.1:"
                                                                                            + port
                                                                                            + "/metrics"))
                                                                    .build(),
                                                            java.net.http.HttpResponse.BodyHandlers
                                                                    .ofString())
                                                    .body();
                                    if (body.contains("recstream_monitor_signal")) {
                                        scraped.set(body);
                                        return;
                                    }
                                } catch (java.io.IOException e) {
                                    // not up yet
                                } catch (InterruptedException e) {
                                    return;
                                }
                                try {
                                    Thread.sleep(500);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        });
        scraper.start();
        java.util.Set<java.nio.file.Path> telemetryBefore = OnnxTelemetryFiles.present();
        String out =
                captureOut(
                        () ->
                                assertThat(
                                                Main.run(
                                                        "demo",
                                                        "--duration",
                                                        "25s",
                                                        "--rate",
                                                        "150",
                                                        "--monitor-window",
                                                        "10s",
                                                        "--monitor-slide",
                                                        "5s",
                                                        // outcomes close 2 s + 5 s lateness after
                                                        // their request: windows ending in
                                                        // [start + 7 s, end - 2 s] hold them
                                                        "--horizon",
                                                        "2s",
                                                        "--drift-at",
                                                        "5s",
                                                        "--drift-kind",
                                                        "new-items",
                                                        "--work-dir",
                                                        dir.resolve("work").toString(),
                                                        "--summary",
                                                        summary.toString(),
                                                        "--metrics-port",
                                                        Integer.toString(port)))
                                        .isZero());
        scraper.interrupt();
        assertThat(out).containsPattern("Kafka is at localhost:\\d+ while the demo runs");
        assertThat(OnnxTelemetryFiles.newSince(telemetryBefore))
                .as("ONNX Runtime telemetry started in the demo")
                .isEmpty();
        assertThat(scraped.get())
                .as("metrics served while the demo ran")
                .contains("recstream_recommendations_total{model_version=")
                .contains("recstream_records_in_total{kind=\"interaction\"}")
                .contains("recstream_inference_batch_size_bucket")
                .contains("recstream_monitor_signal{");
        assertThat(out).contains("summary:").doesNotContain("Formatting metadata directory");
        com.fasterxml.jackson.databind.JsonNode s =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(summary.toFile());
        assertThat(s.get("events_valid").asLong()).isPositive();
        assertThat(s.get("recommendations_out").asLong()).isEqualTo(s.get("events_valid").asLong());
        assertThat(s.get("dead_letters").asLong())
                .isEqualTo(s.get("events_in").asLong() - s.get("events_valid").asLong());
        assertThat(s.get("complete").asBoolean()).isTrue();
        assertThat(s.get("recommendations_not_ours").asLong()).isZero();
        assertThat(s.get("served_slots_already_consumed").asLong())
                .as("nothing a user had consumed was recommended to them")
                .isZero();
        assertThat(s.get("outcomes").asLong()).isPositive();
        assertThat(s.get("hit_rate_at_k").asDouble()).isBetween(0.0, 1.0);
        assertThat(s.get("alerts").isArray()).isTrue();
        assertThat(s.get("alerts"))
                .as("new items are a catalogue that grew, not a category shift")
                .anySatisfy(
                        a -> {
                            assertThat(a.get("signal").asText()).isEqualTo("unknown_item_rate");
                            assertThat(a.get("state").asText()).isEqualTo("FIRING");
                        })
                .noneSatisfy(
                        a -> assertThat(a.get("signal").asText()).isEqualTo("input_category_kl"));
        assertThat(s.get("new_items_added").asInt()).isEqualTo(500);
        assertThat(s.get("new_items_shown").asInt())
                .as("at least 90% of the new items shown")
                .isGreaterThanOrEqualTo(450);
        assertThat(s.get("served_slots_by_kind").get("EXPLORE").asLong()).isPositive();
        com.fasterxml.jackson.databind.JsonNode shown = s.get("new_items_first_shown_s");
        assertThat(shown.get("p50").asDouble())
                .isPositive()
                .isLessThanOrEqualTo(shown.get("p90").asDouble());
        assertThat(shown.get("p90").asDouble()).isLessThanOrEqualTo(shown.get("max").asDouble());
        assertThat(s.get("fold_in_delay_s").get("items").asLong())
                .as("some new items reached fold-in, and the job timed it")
                .isPositive();
    }
}
