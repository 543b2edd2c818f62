package io.recstream.jobs.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import io.recstream.jobs.events.CatalogueItem;
import io.recstream.jobs.testing.TestModels;
import io.recstream.model.ModelBundle;
import io.recstream.model.Vocabulary;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Operator-harness tests of the catalogue index: model items, fresh items, withdrawals. */
class CatalogueIndexTest {

    private static Path model;
    private static Vocabulary vocabulary;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        model = TestModels.tiny(5L, "catalogue");
        vocabulary = ModelBundle.load(model).vocabulary();
    }

    private static KeyedOneInputStreamOperatorTestHarness<Integer, CatalogueItem, CatalogueEntry>
            harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(
                        new CatalogueIndex(model.toString())),
                i -> CatalogueIndex.KEY,
                Types.INT);
    }

    private static CatalogueItem item(String id, boolean available, String... categories) {
        return new CatalogueItem(id, categories, available, 1_000);
    }

    @Test
    void modelItemsKeepTheirIndexAndNewItemsGetFreshOnesThatLastAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        String known = vocabulary.itemId(7);
        try (var h = harness()) {
            h.open();
            h.processElement(item(known, true, "c1"), 1);
            h.processElement(item("new-a", true, "c1"), 2);
            h.processElement(item("new-b", true, "c2"), 3);
            h.processElement(item("new-a", true, "c1", "c3"), 4); // updated: same index
            h.processElement(item("never-admitted", false), 5);
            List<CatalogueEntry> out = h.extractOutputValues();
            assertThat(out)
                    .extracting(CatalogueEntry::getItemId)
                    .containsExactly(known, "new-a", "new-b", "new-a");
            assertThat(out)
                    .extracting(CatalogueEntry::getIndex)
                    .containsExactly(
                            7,
                            FreshSettings.FRESH_BASE,
                            FreshSettings.FRESH_BASE + 1,
                            FreshSettings.FRESH_BASE);
            assertThat(out.get(3).getCategories()).containsExactly("c1", "c3");
            snapshot = h.snapshot(1, 10);
        }
        try (var h = harness()) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(item("new-b", false), 6); // withdrawn after the restore
            h.processElement(item("new-c", true), 7);
            List<CatalogueEntry> out = h.extractOutputValues();
            assertThat(out.get(0).getIndex()).isEqualTo(FreshSettings.FRESH_BASE + 1);
            assertThat(out.get(0).isAvailable()).isFalse();
            assertThat(out.get(1).getIndex())
                    .as("indices are not given twice")
                    .isEqualTo(FreshSettings.FRESH_BASE + 2);
        }
    }
}
