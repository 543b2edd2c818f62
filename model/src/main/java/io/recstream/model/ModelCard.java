package io.recstream.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * What a model bundle is: its version, when it was made, from which data, and how.
 *
 * @param version unique version string, also stored in the ONNX model's {@code model_version}
 *     metadata
 * @param created creation time, ISO-8601
 * @param dataFrom first training event time, epoch ms
 * @param dataUntil training events are strictly before this time, epoch ms
 * @param trainingEvents number of training interactions
 * @param items vocabulary size
 * @param dimensions embedding dimensions
 * @param maxHistory the longest history (L) the serving side should keep per user
 * @param retrieve how many items the model returns per user (over-retrieval before filtering)
 * @param method the training method
 * @param parameters the training parameters, as given
 */
public record ModelCard(
        @JsonProperty("version") String version,
        @JsonProperty("created") String created,
        @JsonProperty("data_from") long dataFrom,
        @JsonProperty("data_until") long dataUntil,
        @JsonProperty("training_events") long trainingEvents,
        @JsonProperty("items") int items,
        @JsonProperty("dimensions") int dimensions,
        @JsonProperty("max_history") int maxHistory,
        @JsonProperty("retrieve") int retrieve,
        @JsonProperty("method") String method,
        @JsonProperty("parameters") Map<String, String> parameters) {}
