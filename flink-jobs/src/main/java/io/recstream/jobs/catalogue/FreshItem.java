package io.recstream.jobs.catalogue;

/**
 * A catalogue item the model does not know, as the serving side keeps it (a Flink POJO in broadcast
 * state): its id and categories, whether it may be served, when it was admitted and last active
 * (event time), how many interactions it has had, and its embedding: the centroid of its
 * categories' model items until fold-in replaces it.
 */
public class FreshItem {
    private String itemId;
    private String[] categories = new String[0];
    private boolean available;
    private long createdAt;
    private long lastActive;
    private long interactions;
    private float[] embedding;
    private boolean foldedIn;

    public FreshItem() {}

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

    /** The catalogue's created_at: the item is served to requests at or after it. */
    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }

    public long getLastActive() {
        return lastActive;
    }

    public void setLastActive(long lastActive) {
        this.lastActive = lastActive;
    }

    public long getInteractions() {
        return interactions;
    }

    public void setInteractions(long interactions) {
        this.interactions = interactions;
    }

    public float[] getEmbedding() {
        return embedding;
    }

    public void setEmbedding(float[] embedding) {
        this.embedding = embedding;
    }

    public boolean isFoldedIn() {
        return foldedIn;
    }

    public void setFoldedIn(boolean foldedIn) {
        this.foldedIn = foldedIn;
    }
}
