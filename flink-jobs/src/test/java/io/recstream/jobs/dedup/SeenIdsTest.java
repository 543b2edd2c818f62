package io.recstream.jobs.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenIdsTest {

    private static final long WINDOW = 60_000;

    @Test
    void anIdSeenWithinTheWindowIsADuplicateAndChangesNothing() {
        byte[] s = SeenIds.offer(null, 1, 10_000, WINDOW, 8);
        s = SeenIds.offer(s, 2, 11_000, WINDOW, 8);
        assertThat(SeenIds.size(s)).isEqualTo(2);
        assertThat(SeenIds.offer(s, 1, 10_000, WINDOW, 8)).isNull();
        assertThat(SeenIds.offer(s, 2, 11_000, WINDOW, 8)).isNull();
        assertThat(SeenIds.offer(s, 3, 10_000, WINDOW, 8)).isNotNull();
    }

    @Test
    void aCopyOlderThanTheWindowBeforeTheNewestEventIsNewAgain() {
        byte[] s = SeenIds.offer(null, 1, 10_000, WINDOW, 8);
        s = SeenIds.offer(s, 2, 10_000 + WINDOW + 1_000, WINDOW, 8);
        byte[] again = SeenIds.offer(s, 1, 10_000, WINDOW, 8);
        assertThat(again).as("processed as a new event").isNotNull();
        assertThat(again).as("and not remembered").isSameAs(s);
        // a copy of the newer event is still recognised
        assertThat(SeenIds.offer(s, 2, 10_000 + WINDOW + 1_000, WINDOW, 8)).isNull();
    }

    @Test
    void onlyTheNewestMaxIdsAreKeptIn8BytesEach() {
        byte[] s = null;
        for (int i = 0; i < 10; i++) {
            s = SeenIds.offer(s, i, 1_000L * i, WINDOW, 4);
        }
        assertThat(SeenIds.size(s)).isEqualTo(4);
        assertThat(s).hasSize(SeenIds.HEADER_BYTES + 4 * Long.BYTES);
        for (int i = 6; i < 10; i++) {
            assertThat(SeenIds.offer(s, i, 1_000L * i, WINDOW, 4)).as("id %d", i).isNull();
        }
        assertThat(SeenIds.offer(s, 5, 5_000, WINDOW, 4)).as("the oldest went first").isNotNull();
    }

    @Test
    void theFirstReceivedIsDroppedFirstWhateverItsEventTime() {
        byte[] s = SeenIds.offer(null, 1, 5_000, WINDOW, 2);
        s = SeenIds.offer(s, 2, 1_000, WINDOW, 2); // arrives late, older
        s = SeenIds.offer(s, 3, 9_000, WINDOW, 2);
        assertThat(SeenIds.offer(s, 1, 5_000, WINDOW, 2)).as("1 came first").isNotNull();
        assertThat(SeenIds.offer(s, 2, 1_000, WINDOW, 2)).isNull();
        assertThat(SeenIds.offer(s, 3, 9_000, WINDOW, 2)).isNull();
    }

    @Test
    void theHashSpreadsSimilarIdsAndIsStable() {
        assertThat(SeenIds.hash("event-1")).isNotEqualTo(SeenIds.hash("event-2"));
        assertThat(SeenIds.hash("event-1")).isEqualTo(SeenIds.hash(new StringBuilder("event-1")));
        java.util.Set<Long> hashes = new java.util.HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            hashes.add(SeenIds.hash("e" + i));
        }
        assertThat(hashes).hasSize(100_000);
        // pinned: ids hashed into a savepoint must be recognised after an upgrade
        assertThat(SeenIds.hash("event-1")).isEqualTo(-5064161036806374958L);
    }
}
