package io.recstream.jobs.drift;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.events.Interaction;
import io.recstream.jobs.inference.ModelRegistry;
import io.recstream.model.Vocabulary;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each interaction its item's categories: the model's for items it knows, the catalogue's
 * (broadcast) for items only the catalogue knows; items neither knows have none and are marked
 * {@link ItemCategories#UNKNOWN}.
 */
public final class Categorize
        extends BroadcastProcessFunction<Interaction, CatalogueItem, ItemCategories> {

    /** Categories of catalogue items the model does not know, by item id. */
    public static final MapStateDescriptor<String, String[]> CATALOGUE_CATEGORIES =
            new MapStateDescriptor<>(
                    "catalogue-categories",
                    Types.STRING,
                    org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo.STRING_ARRAY_TYPE_INFO);

    private final String modelDirectory;
    private transient Vocabulary vocabulary;

    public Categorize(String modelDirectory) {
        this.modelDirectory = modelDirectory;
    }

    @Override
    public void open(OpenContext openContext) {
        vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
    }

    @Override
    public void processElement(Interaction i, ReadOnlyContext ctx, Collector<ItemCategories> out)
            throws Exception {
        String[] catalogue = ctx.getBroadcastState(CATALOGUE_CATEGORIES).get(i.getItemId());
        out.collect(of(vocabulary, i.getItemId(), catalogue));
    }

    static ItemCategories of(Vocabulary vocabulary, String itemId, String[] catalogue) {
        int index = vocabulary.indexOf(itemId);
        if (index >= 0) {
            List<String> c = vocabulary.categories(index);
            return new ItemCategories(
                    c.isEmpty()
                            ? new String[] {Vocabulary.UNKNOWN_CATEGORY}
                            : c.toArray(String[]::new),
                    ItemCategories.MODEL);
        }
        if (catalogue != null) {
            return new ItemCategories(
                    catalogue.length == 0 ? new String[] {Vocabulary.UNKNOWN_CATEGORY} : catalogue,
                    ItemCategories.CATALOGUE_ONLY);
        }
        return new ItemCategories(new String[0], ItemCategories.UNKNOWN);
    }

    @Override
    public void processBroadcastElement(
            CatalogueItem item, Context ctx, Collector<ItemCategories> out) throws Exception {
        if (vocabulary.indexOf(item.getItemId()) < 0) {
            // a withdrawn item keeps its categories: interactions with it still have them
            var categories = ctx.getBroadcastState(CATALOGUE_CATEGORIES);
            if (item.isAvailable() || !categories.contains(item.getItemId())) {
                categories.put(item.getItemId(), item.getCategories());
            }
        }
    }

    /** Without a catalogue: the model's categories, or none. */
    public static final class ModelOnly
            extends org.apache.flink.api.common.functions.RichMapFunction<
                    Interaction, ItemCategories> {
        private final String modelDirectory;
        private transient Vocabulary vocabulary;

        public ModelOnly(String modelDirectory) {
            this.modelDirectory = modelDirectory;
        }

        @Override
        public void open(OpenContext openContext) {
            vocabulary = ModelRegistry.bundle(modelDirectory).vocabulary();
        }

        @Override
        public ItemCategories map(Interaction i) {
            return of(vocabulary, i.getItemId(), null);
        }
    }
}
