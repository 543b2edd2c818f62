package io.recstream.jobs.events;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of the item catalogue (the compacted {@code items} topic, keyed by item id), a Flink
 * POJO. A tombstone (null value) for an item id reads as the item withdrawn.
 */
public class CatalogueItem {
    private String itemId;
    private String[] categories = new String[0];
    private boolean available = true;
    private long createdAt;

    public CatalogueItem() {}

    public CatalogueItem(String itemId, String[] categories, boolean available, long createdAt) {
        this.itemId = itemId;
        this.categories = categories;
        this.available = available;
        this.createdAt = createdAt;
    }

    /** The withdrawal a tombstone for {@code itemId} stands for. */
    public static CatalogueItem withdrawn(String itemId, long time) {
        return new CatalogueItem(itemId, new String[0], false, time);
    }

    public String getItemId() {
        return itemId;
    }

    public void setItemId(String itemId) {
        this.itemId = itemId;
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

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CatalogueItem c
                && available == c.available
                && createdAt == c.createdAt
                && Objects.equals(itemId, c.itemId)
                && Arrays.equals(categories, c.categories);
    }

    @Override
    public int hashCode() {
        return Objects.hash(itemId, available, createdAt, Arrays.hashCode(categories));
    }

    @Override
    public String toString() {
        return "CatalogueItem{"
                + itemId
                + " "
                + Arrays.toString(categories)
                + (available ? "" : " withdrawn")
                + " @"
                + createdAt
                + "}";
    }
}
