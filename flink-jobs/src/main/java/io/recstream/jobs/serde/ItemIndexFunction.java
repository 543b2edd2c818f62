package io.recstream.jobs.serde;

import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.Vocabulary;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;

/**
 * Sets each interaction's vocabulary index (-1 for items the model does not know; the user history
 * gives catalogue items their fresh index). Chained to the validation: no extra hop per event.
 */
public final class ItemIndexFunction extends RichMapFunction<Interaction, Interaction> {
    private final String modelDirectory;
    private transient Vocabulary vocabulary;

    public ItemIndexFunction(String modelDirectory) {
        this.modelDirectory = modelDirectory;
    }

    @Override
    public void open(OpenContext openContext) {
        vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
    }

    @Override
    public Interaction map(Interaction i) {
        i.setItemIndex(vocabulary.indexOf(i.getItemId()));
        return i;
    }
}
