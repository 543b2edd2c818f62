package io.recstream.jobs.catalogue;

/**
 * What the fold-in step says about a fresh item (a Flink POJO): how many distinct interactions it
 * has had, when the latest was, and, once it has had enough, its folded-in embedding.
 */
public class FreshActivity {
    private int item;
    private long interactions;
    private long time;
    private float[] embedding;

    public FreshActivity() {}

    public FreshActivity(int item, long interactions, long time, float[] embedding) {
        this.item = item;
        this.interactions = interactions;
        this.time = time;
        this.embedding = embedding;
    }

    public int getItem() {
        return item;
    }

    public void setItem(int item) {
        this.item = item;
    }

    public long getInteractions() {
        return interactions;
    }

    public void setInteractions(long interactions) {
        this.interactions = interactions;
    }

    public long getTime() {
        return time;
    }

    public void setTime(long time) {
        this.time = time;
    }

    /** The folded-in embedding, or null while the item has had too few interactions. */
    public float[] getEmbedding() {
        return embedding;
    }

    public void setEmbedding(float[] embedding) {
        this.embedding = embedding;
    }
}
