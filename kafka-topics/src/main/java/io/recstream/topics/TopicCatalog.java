package io.recstream.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The declared topics, read from {@code topics.yaml}. */
public final class TopicCatalog {

    /** Names of the topics the jobs use. The catalog must declare each of them. */
    public static final String INTERACTIONS = "interactions";

    public static final String FEEDBACK = "feedback";
    public static final String RECOMMENDATIONS = "recommendations";
    public static final String DRIFT_ALERTS = "drift-alerts";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String MONITOR_SIGNALS = "monitor-signals";
    public static final String ITEMS = "items";

    private static final String RESOURCE = "/io/recstream/topics/topics.yaml";
    private static final Set<String> TOPIC_FIELDS =
            Set.of("name", "description", "partitions", "replication-factor", "schema", "configs");

    private final List<TopicSpec> topics;

    private TopicCatalog(List<TopicSpec> topics) {
        this.topics = List.copyOf(topics);
    }

    /** The catalog shipped with recstream (kafka-topics/topics.yaml). */
    public static TopicCatalog bundled() {
        try (InputStream in = TopicCatalog.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("topics.yaml is missing from the classpath");
            }
            return parse(in.readAllBytes(), "topics.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A catalog from a file of the same format as kafka-topics/topics.yaml. */
    public static TopicCatalog load(Path file) {
        try {
            return parse(Files.readAllBytes(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read topic catalog " + file, e);
        }
    }

    static TopicCatalog parse(byte[] yaml, String source) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        if (root == null || !root.path("topics").isArray()) {
            throw new IllegalArgumentException(source + ": expected a top-level 'topics' list");
        }
        List<TopicSpec> specs = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        int index = 0;
        for (JsonNode node : root.get("topics")) {
            String where = source + ": topics[" + index++ + "]";
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!TOPIC_FIELDS.contains(field)) {
                    throw new IllegalArgumentException(
                            where
                                    + ": unknown field '"
                                    + field
                                    + "' (known: "
                                    + TOPIC_FIELDS
                                    + ")");
                }
            }
            String name = requiredText(node, "name", where);
            if (!seen.add(name)) {
                throw new IllegalArgumentException(where + ": topic '" + name + "' declared twice");
            }
            JsonNode partitions = node.get("partitions");
            if (partitions == null || !partitions.canConvertToInt()) {
                throw new IllegalArgumentException(
                        where + " (" + name + "): 'partitions' must be an integer");
            }
            Optional<Short> rf = Optional.empty();
            JsonNode rfNode = node.get("replication-factor");
            if (rfNode != null && !rfNode.isNull()) {
                if (!rfNode.canConvertToInt()) {
                    throw new IllegalArgumentException(
                            where + " (" + name + "): 'replication-factor' must be an integer");
                }
                rf = Optional.of((short) rfNode.asInt());
            }
            Map<String, String> configs = new LinkedHashMap<>();
            JsonNode cfg = node.get("configs");
            if (cfg != null && !cfg.isNull()) {
                cfg.fields().forEachRemaining(e -> configs.put(e.getKey(), e.getValue().asText()));
            }
            specs.add(
                    new TopicSpec(
                            name,
                            partitions.asInt(),
                            rf,
                            configs,
                            node.path("schema").asText(null),
                            node.path("description").asText("")));
        }
        return new TopicCatalog(specs);
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(where + ": '" + field + "' is required");
        }
        return value.asText();
    }

    public List<TopicSpec> topics() {
        return topics;
    }

    public TopicSpec topic(String name) {
        return topics.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("topic '" + name + "' is not declared"));
    }

    /** The same catalog with every replication factor set to {@code rf}. */
    public TopicCatalog withReplicationFactor(short rf) {
        return new TopicCatalog(topics.stream().map(t -> t.withReplicationFactor(rf)).toList());
    }

    /** The JSON Schema text of a declared topic's values. */
    public static String schemaText(String schemaFile) {
        try (InputStream in =
                TopicCatalog.class.getResourceAsStream(
                        "/io/recstream/topics/schemas/" + schemaFile)) {
            if (in == null) {
                throw new IllegalArgumentException("schema " + schemaFile + " is not bundled");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
