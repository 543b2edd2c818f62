package io.recstream.jobs.drift;

/**
 * What the monitor knows of an interaction's item (a Flink POJO): its categories, and whether the
 * model, only the catalogue, or neither knows it.
 */
public class ItemCategories {
    public static final byte MODEL = 0;
    public static final byte CATALOGUE_ONLY = 1;
    public static final byte UNKNOWN = 2;

    private String[] categories = new String[0];
    private byte known;

    public ItemCategories() {}

    public ItemCategories(String[] categories, byte known) {
        this.categories = categories;
        this.known = known;
    }

    public String[] getCategories() {
        return categories;
    }

    public void setCategories(String[] categories) {
        this.categories = categories;
    }

    public byte getKnown() {
        return known;
    }

    public void setKnown(byte known) {
        this.known = known;
    }
}
