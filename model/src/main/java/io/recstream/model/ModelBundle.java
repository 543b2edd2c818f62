package io.recstream.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model bundle: one directory per model version holding
 *
 * <ul>
 *   <li>{@value #MODEL_FILE}: the ONNX model (inputs {@code items} int64[B,L] and {@code weights}
 *       float[B,L]; outputs {@code scores} float[B,K] and {@code indices} int64[B,K]),
 *   <li>{@value #VOCABULARY_FILE}: item ids in index order, with their categories,
 *   <li>{@value #PROFILE_FILE}: the {@link ReferenceProfile},
 *   <li>{@value #CARD_FILE}: the {@link ModelCard},
 *   <li>{@value #EMBEDDINGS_FILE} (optional; bundles from 0.2 on): the {@link ItemEmbeddings},
 *       which items outside the vocabulary are scored with.
 * </ul>
 *
 * Loading checks that the files exist, parse, and agree with each other; errors name the file and
 * the problem.
 */
public final class ModelBundle {

    public static final String MODEL_FILE = "model.onnx";
    public static final String VOCABULARY_FILE = "vocabulary.json";
    public static final String PROFILE_FILE = "reference-profile.json";
    public static final String CARD_FILE = "card.json";
    public static final String EMBEDDINGS_FILE = "embeddings.bin";

    static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path directory;
    private final ModelCard card;
    private final Vocabulary vocabulary;
    private final ReferenceProfile profile;
    private volatile ItemEmbeddings embeddings;
    private volatile boolean embeddingsRead;

    private ModelBundle(
            Path directory, ModelCard card, Vocabulary vocabulary, ReferenceProfile profile) {
        this.directory = directory;
        this.card = card;
        this.vocabulary = vocabulary;
        this.profile = profile;
    }

    /** Reads and cross-checks a bundle; the ONNX model itself is opened by {@link OnnxScorer}. */
    public static ModelBundle load(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidModelBundleException(
                    "model bundle " + directory + " is not a directory");
        }
        for (String f : List.of(MODEL_FILE, VOCABULARY_FILE, PROFILE_FILE, CARD_FILE)) {
            if (!Files.isRegularFile(directory.resolve(f))) {
                throw new InvalidModelBundleException(
                        "model bundle " + directory + ": missing " + f);
            }
        }
        ModelCard card = read(directory.resolve(CARD_FILE), ModelCard.class);
        if (card.version() == null || card.version().isBlank()) {
            throw new InvalidModelBundleException(
                    directory.resolve(CARD_FILE) + ": 'version' is missing");
        }
        Vocabulary vocabulary = readVocabulary(directory.resolve(VOCABULARY_FILE));
        if (vocabulary.size() != card.items()) {
            throw new InvalidModelBundleException(
                    directory.resolve(VOCABULARY_FILE)
                            + ": has "
                            + vocabulary.size()
                            + " items but "
                            + CARD_FILE
                            + " says "
                            + card.items());
        }
        ReferenceProfile profile = read(directory.resolve(PROFILE_FILE), ReferenceProfile.class);
        for (ReferenceProfile.PopularItem p : profile.popularItems()) {
            if (vocabulary.indexOf(p.itemId()) < 0) {
                throw new InvalidModelBundleException(
                        directory.resolve(PROFILE_FILE)
                                + ": popular item '"
                                + p.itemId()
                                + "' is not in "
                                + VOCABULARY_FILE);
            }
        }
        return new ModelBundle(directory, card, vocabulary, profile);
    }

    private static <T> T read(Path file, Class<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new InvalidModelBundleException(
                    file + ": cannot be read as " + type.getSimpleName() + ": " + e.getMessage(),
                    e);
        }
    }

    private static Vocabulary readVocabulary(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode items = root == null ? null : root.get("items");
            if (items == null || !items.isArray()) {
                throw new InvalidModelBundleException(file + ": expected an 'items' array");
            }
            List<String> ids = new ArrayList<>(items.size());
            List<List<String>> categories = new ArrayList<>(items.size());
            int i = 0;
            for (JsonNode item : items) {
                JsonNode id = item.get("id");
                if (id == null || !id.isTextual()) {
                    throw new InvalidModelBundleException(
                            file + ": items[" + i + "] has no string 'id'");
                }
                ids.add(id.asText());
                List<String> cats = new ArrayList<>();
                item.path("categories").forEach(c -> cats.add(c.asText()));
                categories.add(cats);
                i++;
            }
            return new Vocabulary(ids, categories);
        } catch (IOException e) {
            throw new InvalidModelBundleException(file + ": not valid JSON: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelBundleException(file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the JSON parts of a bundle; the ONNX model is written by the trainer. */
    public static void writeMetadata(
            Path directory, ModelCard card, Vocabulary vocabulary, ReferenceProfile profile)
            throws IOException {
        Files.createDirectories(directory);
        JSON.writeValue(directory.resolve(CARD_FILE).toFile(), card);
        JSON.writeValue(directory.resolve(PROFILE_FILE).toFile(), profile);
        ObjectNode root = JSON.createObjectNode();
        ArrayNode items = root.putArray("items");
        for (int i = 0; i < vocabulary.size(); i++) {
            ObjectNode item = items.addObject();
            item.put("id", vocabulary.itemId(i));
            ArrayNode cats = item.putArray("categories");
            vocabulary.categories(i).forEach(cats::add);
        }
        JSON.writeValue(directory.resolve(VOCABULARY_FILE).toFile(), root);
    }

    public Path directory() {
        return directory;
    }

    public Path modelFile() {
        return directory.resolve(MODEL_FILE);
    }

    public ModelCard card() {
        return card;
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    public ReferenceProfile profile() {
        return profile;
    }

    public String version() {
        return card.version();
    }

    /** The bundle's embeddings, read on first use; null for a bundle written without them. */
    public ItemEmbeddings embeddings() {
        if (!embeddingsRead) {
            synchronized (this) {
                if (!embeddingsRead) {
                    Path f = directory.resolve(EMBEDDINGS_FILE);
                    embeddings =
                            Files.isRegularFile(f)
                                    ? ItemEmbeddings.read(f, vocabulary.size())
                                    : null;
                    embeddingsRead = true;
                }
            }
        }
        return embeddings;
    }
}
