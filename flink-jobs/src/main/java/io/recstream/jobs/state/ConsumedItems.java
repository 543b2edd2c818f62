package io.recstream.jobs.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Every item a user has consumed within the retention, packed for keyed state: compressed bitmaps
 * of item indices (RoaringBitmap), one per twelfth of the retention, so that a period can be
 * forgotten as a whole.
 *
 * <p>Layout: the newest event time added (8 bytes), the number of periods (4), then per period,
 * oldest first, its start (8), the size of its bitmap (4) and the bitmap, serialized. An item is
 * kept only in the period it was last consumed in. Periods that end more than the retention before
 * the newest event are dropped; beyond {@code maxItems} the oldest periods are dropped first, and
 * while the newest period alone holds {@code maxItems}, further items of that period are not added.
 * A user with 20 items takes about 60 bytes; 1,000 items spread over a catalogue of 10,000 take
 * about 2 KB (two bytes an item).
 */
public final class ConsumedItems {

    private static final int PERIODS = 12;

    private ConsumedItems() {}

    private record Period(long start, RoaringBitmap items) {}

    /** The packed set with {@code item} consumed at {@code time} (null {@code packed}: empty). */
    public static byte[] add(
            byte[] packed, int item, long time, long retentionMillis, int maxItems) {
        long periodMillis = periodMillis(retentionMillis);
        long newest = Math.max(newest(packed), time);
        List<Period> periods = read(packed);
        long start = Math.floorDiv(time, periodMillis) * periodMillis;
        Period target = null;
        int at = periods.size();
        for (int i = 0; i < periods.size(); i++) {
            Period p = periods.get(i);
            if (p.start == start) {
                target = p;
            } else if (p.start > start && at == periods.size()) {
                at = i;
            }
        }
        boolean newerElsewhere = false;
        for (Period p : periods) {
            if (p.start > start && p.items.contains(item)) {
                newerElsewhere = true; // consumed again later: it stays there
            }
        }
        if (!newerElsewhere) {
            if (target == null) {
                target = new Period(start, new RoaringBitmap());
                periods.add(at, target);
            }
            if (!target.items.contains(item) && target.items.getCardinality() < maxItems) {
                for (Period p : periods) {
                    if (p != target) {
                        p.items.remove(item);
                    }
                }
                target.items.add(item);
            }
        }
        dropOld(periods, newest - retentionMillis, periodMillis);
        long total = 0;
        for (Period p : periods) {
            total += p.items.getCardinality();
        }
        while (total > maxItems && periods.size() > 1) {
            total -= periods.remove(0).items.getCardinality();
        }
        return write(newest, periods);
    }

    /**
     * The packed set without the periods that ended more than the retention before {@code now};
     * null when nothing is left.
     */
    public static byte[] expire(byte[] packed, long now, long retentionMillis) {
        if (packed == null) {
            return null;
        }
        List<Period> periods = read(packed);
        int before = periods.size();
        dropOld(periods, now - retentionMillis, periodMillis(retentionMillis));
        if (periods.isEmpty()) {
            return null;
        }
        return periods.size() == before ? packed : write(newest(packed), periods);
    }

    /** Every item of the packed set, sorted ascending. */
    public static int[] items(byte[] packed) {
        List<Period> periods = read(packed);
        if (periods.isEmpty()) {
            return new int[0];
        }
        if (periods.size() == 1) {
            return periods.get(0).items.toArray();
        }
        RoaringBitmap all = new RoaringBitmap();
        for (Period p : periods) {
            all.or(p.items);
        }
        return all.toArray();
    }

    /** The newest event time added, or {@link Long#MIN_VALUE} for an empty set. */
    public static long newest(byte[] packed) {
        return packed == null ? Long.MIN_VALUE : ByteBuffer.wrap(packed).getLong(0);
    }

    /** How long one period of the packed set lasts. */
    static long periodMillis(long retentionMillis) {
        return Math.max(1, retentionMillis / PERIODS);
    }

    private static void dropOld(List<Period> periods, long cutoff, long periodMillis) {
        periods.removeIf(p -> p.start + periodMillis <= cutoff || p.items.isEmpty());
    }

    private static List<Period> read(byte[] packed) {
        List<Period> periods = new ArrayList<>();
        if (packed == null) {
            return periods;
        }
        ByteBuffer in = ByteBuffer.wrap(packed);
        in.getLong();
        int n = in.getInt();
        try {
            for (int i = 0; i < n; i++) {
                long start = in.getLong();
                int size = in.getInt();
                RoaringBitmap items = new RoaringBitmap();
                items.deserialize(in.slice(in.position(), size));
                in.position(in.position() + size);
                periods.add(new Period(start, items));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt consumed-items state", e);
        }
        return periods;
    }

    private static byte[] write(long newest, List<Period> periods) {
        int bytes = Long.BYTES + Integer.BYTES;
        for (Period p : periods) {
            p.items.runOptimize();
            bytes += Long.BYTES + Integer.BYTES + p.items.serializedSizeInBytes();
        }
        ByteBuffer out = ByteBuffer.allocate(bytes);
        out.putLong(newest).putInt(periods.size());
        for (Period p : periods) {
            out.putLong(p.start).putInt(p.items.serializedSizeInBytes());
            p.items.serialize(out);
        }
        return out.array();
    }
}
