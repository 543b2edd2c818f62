package io.recstream.jobs.catalogue;

import java.util.Arrays;

/**
 * An item of the catalogue with its index, as the catalogue index broadcasts it (a Flink POJO): the
 * model's index for items it knows, {@link FreshSettings#FRESH_BASE} and up for the others.
 */
public class CatalogueEntry {
    private String itemId;
    private int index;
    private String[] categories = new String[0];
    private boolean available;
    private long time;

    public CatalogueEntry() {}

    public CatalogueEntry(
            String itemId, int index, String[] categories, boolean available, long time) {
        this.itemId = itemId;
        this.index = index;
        this.categories = categories;
        this.available = available;
        this.time = time;
    }

    public String getItemId() {
        return itemId;
    }

    public void setItemId(String itemId) {
        this.itemId = itemId;
    }

    public int getIndex() {
        return index;
    }

    public void setIndex(int index) {
        this.index = index;
    }

    public String[] getCategories() {
        return categories;
    }

    public void setCategories(String[] categories) {
        this.categories = categories;
    }

    public boolean isAvailable() {
        return available;
    }

    public void setAvailable(boolean available) {
        this.available = available;
    }

    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    public boolean fresh() {
        return FreshSettings.isFresh(index);
    }

    @Override
    public String toString() {
        return "CatalogueEntry{"
                + itemId
                + "#"
                + index
                + " "
                + Arrays.toString(categories)
                + (available ? "" : " withdrawn")
                + "}";
    }
}
