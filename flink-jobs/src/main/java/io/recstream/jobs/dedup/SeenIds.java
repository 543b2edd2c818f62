package io.recstream.jobs.dedup;

import java.nio.ByteBuffer;

/**
 * The ids one key (a user) has recently seen, packed for keyed state: per id a 64-bit hash and the
 * event time in whole seconds (unsigned 32 bits, good until 2106), 12 bytes, kept in event-time
 * order. An id counts as seen while its event time is within {@code window} of the newest event
 * time the key has seen, and while it is among the {@code maxIds} newest; an id forgotten either
 * way is new again.
 *
 * <p>Two different ids of one key collide with probability about n²/2⁶⁵ for n ids kept: about one
 * in 10¹⁵ for 128.
 */
public final class SeenIds {

    static final int ENTRY_BYTES = Long.BYTES + Integer.BYTES;

    private SeenIds() {}

    /**
     * Offers an id to the set packed in {@code packed} (null: empty).
     *
     * @return null if the id was seen within the window (a duplicate: nothing changes), else the
     *     new packed set, with the id added and what fell out of the window or the count removed
     */
    public static byte[] offer(
            byte[] packed, long hash, long eventTimeMillis, long windowMillis, int maxIds) {
        int n = packed == null ? 0 : packed.length / ENTRY_BYTES;
        ByteBuffer in = packed == null ? null : ByteBuffer.wrap(packed);
        long seconds = Math.max(0, Math.floorDiv(eventTimeMillis, 1000L));
        long newest = seconds;
        for (int i = 0; i < n; i++) {
            newest = Math.max(newest, time(in, i));
        }
        long oldestKept = newest - Math.floorDiv(windowMillis, 1000L);
        for (int i = 0; i < n; i++) {
            if (in.getLong(i * ENTRY_BYTES) == hash && time(in, i) >= oldestKept) {
                return null;
            }
        }
        // keep the entries inside the window, insert the new one in time order, then drop the
        // oldest beyond maxIds
        long[] hashes = new long[n + 1];
        long[] times = new long[n + 1];
        int kept = 0;
        // an id already older than the window is answered as new but not remembered
        boolean inserted = seconds < oldestKept;
        for (int i = 0; i < n; i++) {
            long t = time(in, i);
            if (t < oldestKept) {
                continue;
            }
            if (!inserted && seconds < t) {
                hashes[kept] = hash;
                times[kept++] = seconds;
                inserted = true;
            }
            hashes[kept] = in.getLong(i * ENTRY_BYTES);
            times[kept++] = t;
        }
        if (!inserted) {
            hashes[kept] = hash;
            times[kept++] = seconds;
        }
        int from = Math.max(0, kept - maxIds);
        ByteBuffer out = ByteBuffer.allocate((kept - from) * ENTRY_BYTES);
        for (int i = from; i < kept; i++) {
            out.putLong(hashes[i]).putInt((int) times[i]);
        }
        return out.array();
    }

    /** How many ids the packed set holds. */
    public static int size(byte[] packed) {
        return packed == null ? 0 : packed.length / ENTRY_BYTES;
    }

    private static long time(ByteBuffer in, int i) {
        return Integer.toUnsignedLong(in.getInt(i * ENTRY_BYTES + Long.BYTES));
    }

    /**
     * A 64-bit hash of an id: FNV-1a over its UTF-16 code units, then MurmurHash3's finalizer to
     * spread the bits.
     */
    public static long hash(CharSequence id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
