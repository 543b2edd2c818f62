package io.recstream.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The model's items: index {@code i} in the ONNX model's embedding tables is {@code itemIds[i]}.
 * Index {@link #size()} is the padding index (weight 0) used to fill short histories.
 */
public final class Vocabulary {

    /** Category reported for items the model was not trained on. */
    public static final String UNKNOWN_CATEGORY = "(unknown)";

    private final List<String> itemIds;
    private final List<List<String>> categories;
    private final Map<String, Integer> index;

    public Vocabulary(List<String> itemIds, List<List<String>> categories) {
        if (itemIds.size() != categories.size()) {
            throw new IllegalArgumentException(
                    "vocabulary has "
                            + itemIds.size()
                            + " items but "
                            + categories.size()
                            + " category lists");
        }
        this.itemIds = List.copyOf(itemIds);
        List<List<String>> cats = new ArrayList<>(categories.size());
        for (List<String> c : categories) {
            cats.add(List.copyOf(c));
        }
        this.categories = Collections.unmodifiableList(cats);
        this.index = new HashMap<>(itemIds.size() * 2);
        for (int i = 0; i < itemIds.size(); i++) {
            String id = Objects.requireNonNull(itemIds.get(i), "item id at index " + i);
            if (index.put(id, i) != null) {
                throw new IllegalArgumentException("item id '" + id + "' appears twice");
            }
        }
    }

    public int size() {
        return itemIds.size();
    }

    /** The padding index: one past the last item. */
    public int paddingIndex() {
        return itemIds.size();
    }

    /** Index of an item, or -1 when the model does not know it. */
    public int indexOf(String itemId) {
        Integer i = index.get(itemId);
        return i == null ? -1 : i;
    }

    public String itemId(int index) {
        return itemIds.get(index);
    }

    public List<String> categories(int index) {
        return categories.get(index);
    }

    /** Categories of an item id; {@link #UNKNOWN_CATEGORY} for items outside the vocabulary. */
    public List<String> categoriesOf(String itemId) {
        int i = indexOf(itemId);
        if (i < 0) {
            return List.of(UNKNOWN_CATEGORY);
        }
        List<String> c = categories.get(i);
        return c.isEmpty() ? List.of(UNKNOWN_CATEGORY) : c;
    }
}
