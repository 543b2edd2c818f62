package io.recstream.jobs.catalogue;

import io.recstream.jobs.popularity.PopularItems;

/**
 * One broadcast update of what can be served (a Flink POJO; exactly one field is set): the latest
 * popular items, a catalogue entry, or a fresh item's activity.
 */
public class CandidateUpdate {
    private PopularItems popular;
    private CatalogueEntry entry;
    private FreshActivity activity;

    public CandidateUpdate() {}

    public static CandidateUpdate of(PopularItems popular) {
        CandidateUpdate u = new CandidateUpdate();
        u.popular = popular;
        return u;
    }

    public static CandidateUpdate of(CatalogueEntry entry) {
        CandidateUpdate u = new CandidateUpdate();
        u.entry = entry;
        return u;
    }

    public static CandidateUpdate of(FreshActivity activity) {
        CandidateUpdate u = new CandidateUpdate();
        u.activity = activity;
        return u;
    }

    public PopularItems getPopular() {
        return popular;
    }

    public void setPopular(PopularItems popular) {
        this.popular = popular;
    }

    public CatalogueEntry getEntry() {
        return entry;
    }

    public void setEntry(CatalogueEntry entry) {
        this.entry = entry;
    }

    public FreshActivity getActivity() {
        return activity;
    }

    public void setActivity(FreshActivity activity) {
        this.activity = activity;
    }
}
