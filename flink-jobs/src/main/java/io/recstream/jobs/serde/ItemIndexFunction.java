package io.recstream.jobs.serde;

import io.micrometer.core.instrument.Counter;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.model.Vocabulary;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/** Sets each interaction's vocabulary index (-1 for items the model does not know). */
public final class ItemIndexFunction extends RichMapFunction<Interaction, Interaction> {
    private final String modelDirectory;
    private transient Vocabulary vocabulary;
    private transient Counter unknownItems;

    public ItemIndexFunction(String modelDirectory) {
        this.modelDirectory = modelDirectory;
    }

    @Override
    public void open(OpenContext openContext) {
        vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
        unknownItems =
                Metrics.counter(
                        "recstream.items.unknown",
                        "interactions with items the model does not know");
    }

    @Override
    public Interaction map(Interaction i) {
        i.setItemIndex(vocabulary.indexOf(i.getItemId()));
        if (i.getItemIndex() < 0) {
            unknownItems.increment();
        }
        return i;
    }
}
