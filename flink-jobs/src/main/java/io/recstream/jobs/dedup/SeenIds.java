package io.recstream.jobs.dedup;

import java.nio.ByteBuffer;

/**
 * The ids one key (a user) has recently seen, packed for keyed state: the newest event time the key
 * has seen (8 bytes), then a 64-bit hash per id (8 bytes each), oldest first.
 *
 * <p>A record is a duplicate when its id's hash is kept and its own event time is within {@code
 * window} of that newest time: a re-sent event carries the event time of its original, so this is
 * "the original was seen, and not longer than the window ago". At most {@code maxIds} hashes are
 * kept, the oldest dropped first; an id forgotten that way, or a copy older than the window, is a
 * new event again.
 *
 * <p>Two different ids of one key collide with probability about n/2⁶⁴ per new id for n ids kept:
 * one in 3·10¹⁷ for 64 (the default).
 */
public final class SeenIds {

    static final int HEADER_BYTES = Long.BYTES;

    private SeenIds() {}

    /**
     * Offers an id to the set packed in {@code packed} (null: empty).
     *
     * @return null if the record is a duplicate (nothing changes), else the new packed set: the id
     *     added (unless the record is older than the window) and the oldest id beyond {@code
     *     maxIds} dropped
     */
    public static byte[] offer(
            byte[] packed, long hash, long eventTimeMillis, long windowMillis, int maxIds) {
        int n = size(packed);
        ByteBuffer in = packed == null ? null : ByteBuffer.wrap(packed);
        long newest = in == null ? Long.MIN_VALUE : in.getLong(0);
        boolean inWindow = newest == Long.MIN_VALUE || eventTimeMillis >= newest - windowMillis;
        if (inWindow) {
            for (int i = 0; i < n; i++) {
                if (in.getLong(HEADER_BYTES + i * Long.BYTES) == hash) {
                    return null;
                }
            }
        } else {
            // older than the window: answered as new, and not remembered
            return packed;
        }
        int keep = Math.min(n, maxIds - 1);
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + (keep + 1) * Long.BYTES);
        out.putLong(Math.max(newest, eventTimeMillis));
        for (int i = n - keep; i < n; i++) {
            out.putLong(in.getLong(HEADER_BYTES + i * Long.BYTES));
        }
        out.putLong(hash);
        return out.array();
    }

    /** The newest event time the packed set has seen, or {@link Long#MIN_VALUE} when empty. */
    public static long newest(byte[] packed) {
        return packed == null ? Long.MIN_VALUE : ByteBuffer.wrap(packed).getLong(0);
    }

    /** How many ids the packed set holds. */
    public static int size(byte[] packed) {
        return packed == null ? 0 : (packed.length - HEADER_BYTES) / Long.BYTES;
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
