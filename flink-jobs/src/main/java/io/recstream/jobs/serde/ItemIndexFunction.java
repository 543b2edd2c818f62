package io.recstream.jobs.serde;

import io.micrometer.core.instrument.Counter;
import io.recstream.jobs.catalogue.CatalogueEntry;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.model.Vocabulary;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sets each interaction's item index: the model's for items it knows, the catalogue's fresh index
 * for catalogue items it does not (from the broadcast catalogue), else -1.
 */
public final class ItemIndexFunction
        extends BroadcastProcessFunction<Interaction, CatalogueEntry, Interaction> {

    /** Fresh items' indices by item id. */
    public static final MapStateDescriptor<String, Integer> FRESH_INDEX =
            new MapStateDescriptor<>("fresh-index", Types.STRING, Types.INT);

    private final String modelDirectory;
    private transient Vocabulary vocabulary;
    private transient Counter unknownItems;
    private transient Counter freshItems;

    public ItemIndexFunction(String modelDirectory) {
        this.modelDirectory = modelDirectory;
    }

    @Override
    public void open(OpenContext openContext) {
        vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
        unknownItems =
                Metrics.counter(
                        "recstream.items.unknown",
                        "interactions with items neither the model nor the catalogue knows");
        freshItems =
                Metrics.counter(
                        "recstream.items.fresh",
                        "interactions with catalogue items the model does not know");
    }

    @Override
    public void processElement(Interaction i, ReadOnlyContext ctx, Collector<Interaction> out)
            throws Exception {
        int index = vocabulary.indexOf(i.getItemId());
        if (index < 0) {
            Integer fresh = ctx.getBroadcastState(FRESH_INDEX).get(i.getItemId());
            if (fresh != null) {
                index = fresh;
                freshItems.increment();
            } else {
                unknownItems.increment();
            }
        }
        i.setItemIndex(index);
        out.collect(i);
    }

    @Override
    public void processBroadcastElement(CatalogueEntry e, Context ctx, Collector<Interaction> out)
            throws Exception {
        if (e.fresh()) {
            ctx.getBroadcastState(FRESH_INDEX).put(e.getItemId(), e.getIndex());
        }
    }

    /** Without a catalogue: the model's index, or -1. */
    public static final class ModelOnly
            extends org.apache.flink.api.common.functions.RichMapFunction<
                    Interaction, Interaction> {
        private final String modelDirectory;
        private transient Vocabulary vocabulary;
        private transient Counter unknownItems;

        public ModelOnly(String modelDirectory) {
            this.modelDirectory = modelDirectory;
        }

        @Override
        public void open(OpenContext openContext) {
            vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
            unknownItems =
                    Metrics.counter(
                            "recstream.items.unknown",
                            "interactions with items neither the model nor the catalogue knows");
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
}
