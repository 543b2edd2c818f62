package io.recstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.recstream.jobs.config.MonitorJobConfig;
import io.recstream.jobs.config.Options;
import io.recstream.jobs.config.RecommendJobConfig;
import io.recstream.topics.TopicCatalog;
import io.recstream.topics.TopicSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Docker cannot run here, so docker-compose.yml is checked against the project instead: files, the
 * job jar path, topics, option names, ports and metric endpoints it references must exist and agree
 * with what the build, the jobs and the Prometheus config use.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..");
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    private JsonNode compose() throws Exception {
        return yaml.readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    private static String version() throws Exception {
        Matcher m =
                Pattern.compile(
                                "<artifactId>recstream-parent</artifactId>\\s*<version>([^<]+)</version>")
                        .matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void imagesArePinnedAndLocalFilesExist() throws Exception {
        JsonNode services = compose().get("services");
        assertThat(services.fieldNames())
                .toIterable()
                .contains(
                        "kafka",
                        "topics",
                        "model",
                        "jobmanager",
                        "taskmanager",
                        "submit",
                        "generator",
                        "prometheus",
                        "grafana");
        services.fields()
                .forEachRemaining(
                        e -> {
                            JsonNode image = e.getValue().get("image");
                            if (image != null) {
                                assertThat(image.asText())
                                        .as(e.getKey() + " image is pinned")
                                        .matches(".+:[^:]+")
                                        .doesNotEndWith(":latest");
                            }
                            JsonNode volumes = e.getValue().get("volumes");
                            if (volumes != null) {
                                for (String v : strings(volumes)) {
                                    if (v.startsWith("./")) {
                                        assertThat(ROOT.resolve(v.substring(2, v.indexOf(':'))))
                                                .as(e.getKey() + " mounts " + v)
                                                .exists();
                                    }
                                }
                            }
                        });
        assertThat(services.at("/kafka/image").asText()).isEqualTo("apache/kafka:4.2.0");
        assertThat(services.at("/jobmanager/image").asText()).startsWith("flink:2.2");
    }

    @Test
    void dockerfileCopiesWhatTheBuildProduces() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        String jar = "flink-jobs/target/recstream-flink-jobs-" + version() + "-job.jar";
        assertThat(dockerfile)
                .contains(jar)
                .contains("cli/target/recstream-cli.jar")
                .contains("cli/target/lib");
        String jobsPom = Files.readString(ROOT.resolve("flink-jobs/pom.xml"));
        assertThat(jobsPom)
                .contains("<shadedClassifierName>job</shadedClassifierName>")
                .contains("<artifactId>recstream-flink-jobs</artifactId>");
        assertThat(Files.readString(ROOT.resolve("cli/pom.xml")))
                .contains("<finalName>recstream-cli</finalName>");
        assertThat(Files.readString(ROOT.resolve("docker-compose.yml")))
                .contains("/opt/recstream/jobs/recstream-job.jar");
        assertThat(dockerfile).contains("/opt/recstream/jobs/recstream-job.jar");
    }

    @Test
    void commandsUseRealCommandsOptionsTopicsAndPaths() throws Exception {
        JsonNode services = compose().get("services");
        for (String service : List.of("topics", "generator")) {
            List<String> args = strings(services.get(service).get("command"));
            new CommandLine(new Main())
                    .parseArgs(args.toArray(String[]::new)); // throws on unknown ones
            assertThat(args).contains("kafka:29092");
        }
        String model = services.at("/model/command/0").asText();
        Matcher out = Pattern.compile("--out (\\S+)").matcher(model);
        assertThat(out.find()).isTrue();
        String modelDir = out.group(1);
        new CommandLine(new Main())
                .parseArgs(
                        "train",
                        "--interactions",
                        "i.csv",
                        "--items",
                        "m.csv",
                        "--out",
                        modelDir,
                        "--version",
                        "v1");
        new CommandLine(new Main()).parseArgs("generate", "--history", "/models/history");

        String submit = services.at("/submit/command/0").asText();
        Matcher run =
                Pattern.compile("\"entryClass\":\"([^\"]+)\",\"programArgsList\":\\[([^\\]]*)\\]")
                        .matcher(submit);
        List<String> entries = new ArrayList<>();
        List<String> metricTargets = new ArrayList<>();
        while (run.find()) {
            entries.add(run.group(1));
            List<String> args =
                    Pattern.compile("\"([^\"]*)\"")
                            .matcher(run.group(2))
                            .results()
                            .map(r -> r.group(1))
                            .toList();
            List<Options.Spec> specs =
                    run.group(1).endsWith("MonitorJob")
                            ? MonitorJobConfig.OPTIONS
                            : RecommendJobConfig.OPTIONS;
            Set<String> known = specs.stream().map(Options.Spec::name).collect(Collectors.toSet());
            for (String a : args) {
                if (a.startsWith("--")) {
                    assertThat(known).as(run.group(1) + " knows " + a).contains(a.substring(2));
                }
            }
            assertThat(args)
                    .containsSequence("--model", modelDir)
                    .contains("--metrics.port")
                    .containsSequence("--metrics.bind", "0.0.0.0");
            metricTargets.add("taskmanager:" + args.get(args.indexOf("--metrics.port") + 1));
            Class.forName(run.group(1)).getMethod("main", String[].class);
        }
        assertThat(entries)
                .containsExactly(
                        "io.recstream.jobs.recommend.RecommendJob",
                        "io.recstream.jobs.monitor.MonitorJob");
        // Two jobs in one TaskManager have two class loaders, so two endpoints: two ports, each
        // scraped.
        assertThat(metricTargets).doesNotHaveDuplicates();
        assertThat(prometheusTargets()).containsAll(metricTargets);

        // The jobs' default topics are the catalog's, which the topics service applies.
        Set<String> declared =
                TopicCatalog.bundled().topics().stream()
                        .map(TopicSpec::name)
                        .collect(Collectors.toSet());
        for (List<Options.Spec> specs :
                List.of(RecommendJobConfig.OPTIONS, MonitorJobConfig.OPTIONS)) {
            for (Options.Spec s : specs) {
                if (s.name().endsWith("-topic")) {
                    assertThat(declared).as(s.name()).contains(s.defaultValue());
                }
            }
        }
    }

    private List<String> prometheusTargets() throws Exception {
        JsonNode prom = yaml.readTree(ROOT.resolve("dashboards/prometheus.yml").toFile());
        List<String> targets = new ArrayList<>();
        prom.get("scrape_configs")
                .forEach(
                        c ->
                                c.at("/static_configs/0/targets")
                                        .forEach(t -> targets.add(t.asText())));
        return targets;
    }

    @Test
    void prometheusAndGrafanaPointAtWhatTheStackServes() throws Exception {
        JsonNode compose = compose();
        JsonNode services = compose.get("services");
        List<String> targets = prometheusTargets();
        assertThat(targets).contains("jobmanager:9250", "taskmanager:9250");
        for (String t : targets) {
            assertThat(services.has(t.substring(0, t.indexOf(':')))).as("service of " + t).isTrue();
        }
        String flinkProperties = services.at("/taskmanager/environment/FLINK_PROPERTIES").asText();
        assertThat(flinkProperties)
                .contains("metrics.reporter.prom.port: 9250")
                .contains("state.backend.type: rocksdb");
        assertThat(services.at("/jobmanager/environment/FLINK_PROPERTIES").asText())
                .isEqualTo(flinkProperties);

        JsonNode datasource =
                yaml.readTree(
                        ROOT.resolve("dashboards/grafana/provisioning/datasources/prometheus.yaml")
                                .toFile());
        assertThat(datasource.at("/datasources/0/url").asText())
                .isEqualTo("http://prometheus:9090");
        assertThat(strings(services.at("/prometheus/ports"))).contains("9090:9090");
        JsonNode provider =
                yaml.readTree(
                        ROOT.resolve("dashboards/grafana/provisioning/dashboards/recstream.yaml")
                                .toFile());
        String path = provider.at("/providers/0/options/path").asText();
        assertThat(strings(services.at("/grafana/volumes")))
                .contains("./dashboards/grafana:" + path + ":ro");
        try (var files = Files.list(ROOT.resolve("dashboards/grafana"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".json"))).hasSize(2);
        }
    }
}
