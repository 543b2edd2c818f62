package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recstream.jobs.testing.KafkaTestUtils;
import io.recstream.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code recstream replay}: feeding an external Kafka, paced, and replaying through the jobs. */
class ReplayCommandITCase {

    @RegisterExtension static final KafkaBroker kafka = new KafkaBroker();

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        return KafkaTestUtils.readCommitted(
                kafka.bootstrapServers(),
                topic,
                expected,
                Duration.ofSeconds(30),
                Duration.ofMillis(500));
    }

    @Test
    void produceOnlyFeedsAnExternalKafkaAtAMultipleOfRealTime(@TempDir Path dir) throws Exception {
        // Four interactions an hour apart, played at 3600x: a second apart.
        long base = 1_700_000_000_000L;
        Path csv = dir.resolve("interactions.csv");
        Files.writeString(
                csv,
                "user,item,timestamp\n"
                        + ("u1,i1," + base + "\n")
                        + ("u2,i2," + (base + 3_600_000L) + "\n")
                        + ("u1,i3," + (base + 7_200_000L) + "\n")
                        + ("u3,i1," + (base + 10_800_000L) + "\n"));
        String[] replay = {
            "replay",
            "--produce-only",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--interactions",
            csv.toString(),
            "--rate",
            "3600x",
            "--retime",
            "--feedback"
        };

        Cli.Result noTopics = Cli.run(replay);
        assertThat(noTopics.exitCode()).as("topics missing").isEqualTo(2);
        assertThat(noTopics.err())
                .contains("[feedback, interactions]")
                .contains("recstream topics apply");

        assertThat(Main.run("topics", "apply", "--bootstrap-servers", kafka.bootstrapServers()))
                .isZero();
        long started = System.currentTimeMillis();
        assertThat(Main.run(replay)).isZero();

        TreeMap<String, Long> sentAt = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readAll("interactions", 4)) {
            JsonNode i = JSON.readTree(r.value());
            sentAt.put(i.get("event_id").asText(), i.get("timestamp").asLong());
            assertThat(new String(r.key(), StandardCharsets.UTF_8))
                    .isEqualTo(i.get("user_id").asText());
        }
        assertThat(sentAt.keySet())
                .containsExactly(
                        "interactions.csv:2",
                        "interactions.csv:3",
                        "interactions.csv:4",
                        "interactions.csv:5");
        List<Long> times = new ArrayList<>(sentAt.values());
        assertThat(times.get(0)).as("retimed to the send time").isGreaterThanOrEqualTo(started);
        for (int n = 1; n < times.size(); n++) {
            assertThat(times.get(n) - times.get(n - 1))
                    .as("an hour of recorded time at 3600x")
                    .isBetween(950L, 3_000L);
        }
        assertThat(readAll("feedback", 4)).hasSize(4);
    }

    @Test
    void optionsThatDoNotGoTogetherAreNamed(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("i.csv");
        Files.writeString(csv, "user,item,timestamp\nu,i,1700000000000\n");
        Cli.Result noBroker = Cli.run("replay", "--produce-only", "--interactions", csv.toString());
        assertThat(noBroker.exitCode()).isEqualTo(2);
        assertThat(noBroker.err()).contains("--produce-only needs --bootstrap-servers");
        Cli.Result noModel = Cli.run("replay", "--interactions", csv.toString());
        assertThat(noModel.exitCode()).isEqualTo(2);
        assertThat(noModel.err()).contains("--model and --out are required");
        Cli.Result badRate =
                Cli.run(
                        "replay",
                        "--produce-only",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--interactions",
                        csv.toString(),
                        "--rate",
                        "warp");
        assertThat(badRate.exitCode()).isEqualTo(2);
        assertThat(badRate.err()).contains("--rate").contains("'warp'");
    }

    @Test
    void replayThroughTheJobsWritesOneRecommendationPerReplayedEvent(@TempDir Path dir)
            throws Exception {
        Path history = dir.resolve("history");
        assertThat(Main.run("generate", "--history", history.toString())).isZero();
        Path csv = history.resolve("interactions.csv");
        List<Long> times =
                Files.readAllLines(csv).stream()
                        .skip(1)
                        .map(l -> Long.parseLong(l.substring(l.lastIndexOf(',') + 1)))
                        .sorted()
                        .toList();
        long cutOff = times.get(times.size() - 1_500);
        long until = cutOff + 120_000;
        long expected = times.stream().filter(t -> t >= cutOff && t < until).count();
        assertThat(expected).isBetween(100L, 1_500L);
        Path model = dir.resolve("model");
        assertThat(
                        Main.run(
                                "train",
                                "--interactions",
                                csv.toString(),
                                "--items",
                                history.resolve("items.csv").toString(),
                                "--train-until",
                                Long.toString(cutOff),
                                "--dimensions",
                                "16",
                                "--out",
                                model.toString()))
                .isZero();
        Path out = dir.resolve("recs.jsonl");
        assertThat(
                        Main.run(
                                "replay",
                                "--interactions",
                                csv.toString(),
                                "--model",
                                model.toString(),
                                "--until",
                                Long.toString(until),
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--out",
                                out.toString()))
                .isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize((int) expected);
        Set<String> keys = new HashSet<>();
        for (String line : lines) {
            JsonNode rec = JSON.readTree(line);
            assertThat(keys.add(rec.get("request_key").asText())).isTrue();
            assertThat(rec.get("request_key").asText()).startsWith("interactions.csv:");
            assertThat(rec.get("items").size()).isEqualTo(10);
        }
    }
}
