package io.recstream.jobs.catalogue;

import io.micrometer.core.instrument.Counter;
import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.jobs.metrics.Metrics;
import io.recstream.model.Vocabulary;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives every catalogue item its index: the model's for items it knows, and for the others the next
 * free index from {@link FreshSettings#FRESH_BASE} on, kept for good, so an item keeps its index
 * across restarts and across models (a later model that knows the item uses its own index instead).
 * Runs with parallelism 1 on one key: the catalogue is small next to the interactions, and one
 * sequence of indices needs one writer.
 */
public final class CatalogueIndex
        extends KeyedProcessFunction<Integer, CatalogueItem, CatalogueEntry> {

    /** The one key. */
    public static final int KEY = 0;

    private final String modelDirectory;

    private transient Vocabulary vocabulary;
    private transient MapState<String, Integer> freshIndex;
    private transient ValueState<Integer> next;
    private transient Counter admitted;
    private transient Counter withdrawn;

    public CatalogueIndex(String modelDirectory) {
        this.modelDirectory = modelDirectory;
    }

    @Override
    public void open(OpenContext openContext) {
        vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
        freshIndex =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        "fresh-item-index", Types.STRING, Types.INT));
        next =
                getRuntimeContext()
                        .getState(new ValueStateDescriptor<>("next-fresh-index", Types.INT));
        admitted =
                Metrics.counter(
                        "recstream.catalogue.fresh.admitted",
                        "catalogue items the model does not know, given a fresh index");
        withdrawn =
                Metrics.counter(
                        "recstream.catalogue.withdrawn", "catalogue records withdrawing an item");
    }

    @Override
    public void processElement(CatalogueItem item, Context ctx, Collector<CatalogueEntry> out)
            throws Exception {
        if (!item.isAvailable()) {
            withdrawn.increment();
        }
        int index = vocabulary.indexOf(item.getItemId());
        if (index < 0) {
            Integer known = freshIndex.get(item.getItemId());
            if (known != null) {
                index = known;
            } else if (!item.isAvailable()) {
                return; // never admitted, nothing to withdraw
            } else {
                Integer n = next.value();
                index = n == null ? FreshSettings.FRESH_BASE : n;
                if (index == Integer.MAX_VALUE) {
                    throw new IllegalStateException("fresh item indices are used up");
                }
                next.update(index + 1);
                freshIndex.put(item.getItemId(), index);
                admitted.increment();
            }
        }
        out.collect(
                new CatalogueEntry(
                        item.getItemId(),
                        index,
                        item.getCategories(),
                        item.isAvailable(),
                        item.getCreatedAt()));
    }
}
