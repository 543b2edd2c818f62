package io.recstream.jobs.state;

import io.recstream.model.SortedInts;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every item a user has consumed within the retention, packed for keyed state: per twelfth of the
 * retention (a period), the sorted item indices as {@link SortedInts} (count and gaps, one or two
 * bytes an item), so that a period can be forgotten as a whole.
 *
 * <p>Layout: the newest event time added (8 bytes), the number of periods (4), then per period,
 * oldest first, its start (8), the size of its encoding (4) and the encoding. An item is kept only
 * in the period it was last consumed in. Periods that end more than the retention before the newest
 * event are dropped; beyond {@code maxItems} the oldest periods are dropped first, and while the
 * newest period alone holds {@code maxItems}, further items of that period are not added. A user
 * with 20 items takes about 50 bytes; 1,000 items spread over a catalogue of 10,000 about 1.1 KB.
 */
public final class ConsumedItems {

    private static final int PERIODS = 12;

    private ConsumedItems() {}

    private static final class Period {
        final long start;
        int[] items;
        byte[] encoded; // null when items changed

        Period(long start, int[] items, byte[] encoded) {
            this.start = start;
            this.items = items;
            this.encoded = encoded;
        }

        byte[] encoded() {
            if (encoded == null) {
                encoded = SortedInts.encode(items);
            }
            return encoded;
        }
    }

    /** The packed set with {@code item} consumed at {@code time} (null {@code packed}: empty). */
    public static byte[] add(
            byte[] packed, int item, long time, long retentionMillis, int maxItems) {
        long periodMillis = periodMillis(retentionMillis);
        long newest = Math.max(newest(packed), time);
        List<Period> periods = read(packed);
        long start = Math.floorDiv(time, periodMillis) * periodMillis;
        Period target = null;
        int at = periods.size();
        boolean newerElsewhere = false;
        for (int i = 0; i < periods.size(); i++) {
            Period p = periods.get(i);
            if (p.start == start) {
                target = p;
            } else if (p.start > start) {
                at = Math.min(at, i);
                newerElsewhere |= Arrays.binarySearch(p.items, item) >= 0;
            }
        }
        boolean changed = newest != newest(packed);
        // consumed again later than this event: it stays where it is
        if (!newerElsewhere
                && (target == null || Arrays.binarySearch(target.items, item) < 0)
                && (target == null || target.items.length < maxItems)) {
            if (target == null) {
                target = new Period(start, new int[0], null);
                periods.add(at, target);
            }
            int pos = -Arrays.binarySearch(target.items, item) - 1;
            int[] grown = new int[target.items.length + 1];
            System.arraycopy(target.items, 0, grown, 0, pos);
            grown[pos] = item;
            System.arraycopy(target.items, pos, grown, pos + 1, target.items.length - pos);
            target.items = grown;
            target.encoded = null;
            for (Period p : periods) {
                int found = p == target ? -1 : Arrays.binarySearch(p.items, item);
                if (found >= 0) {
                    int[] shrunk = new int[p.items.length - 1];
                    System.arraycopy(p.items, 0, shrunk, 0, found);
                    System.arraycopy(p.items, found + 1, shrunk, found, shrunk.length - found);
                    p.items = shrunk;
                    p.encoded = null;
                }
            }
            changed = true;
        }
        int before = periods.size();
        dropOld(periods, newest - retentionMillis, periodMillis);
        long total = 0;
        for (Period p : periods) {
            total += p.items.length;
        }
        while (total > maxItems && periods.size() > 1) {
            total -= periods.remove(0).items.length;
        }
        if (!changed && periods.size() == before) {
            return packed;
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

    /** Every item of the packed set, sorted ascending, as {@link SortedInts}. */
    public static byte[] union(byte[] packed) {
        if (packed != null && ByteBuffer.wrap(packed).getInt(Long.BYTES) == 1) {
            // one period: its encoding as it is
            int size = ByteBuffer.wrap(packed).getInt(2 * Long.BYTES + Integer.BYTES);
            int from = 2 * Long.BYTES + 2 * Integer.BYTES;
            return Arrays.copyOfRange(packed, from, from + size);
        }
        List<Period> periods = read(packed);
        if (periods.isEmpty()) {
            return SortedInts.empty();
        }
        if (periods.size() == 1) {
            return periods.get(0).encoded();
        }
        int[] all = new int[0];
        for (Period p : periods) {
            all = SortedInts.union(all, p.items);
        }
        return SortedInts.encode(all);
    }

    /** Every item of the packed set, sorted ascending. */
    public static int[] items(byte[] packed) {
        return SortedInts.decode(union(packed));
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
        periods.removeIf(p -> p.start + periodMillis <= cutoff || p.items.length == 0);
    }

    private static List<Period> read(byte[] packed) {
        List<Period> periods = new ArrayList<>();
        if (packed == null) {
            return periods;
        }
        ByteBuffer in = ByteBuffer.wrap(packed);
        in.getLong();
        int n = in.getInt();
        for (int i = 0; i < n; i++) {
            long start = in.getLong();
            int size = in.getInt();
            byte[] encoded = Arrays.copyOfRange(packed, in.position(), in.position() + size);
            in.position(in.position() + size);
            periods.add(new Period(start, SortedInts.decode(encoded), encoded));
        }
        return periods;
    }

    private static byte[] write(long newest, List<Period> periods) {
        int bytes = Long.BYTES + Integer.BYTES;
        for (Period p : periods) {
            bytes += Long.BYTES + Integer.BYTES + p.encoded().length;
        }
        ByteBuffer out = ByteBuffer.allocate(bytes);
        out.putLong(newest).putInt(periods.size());
        for (Period p : periods) {
            out.putLong(p.start).putInt(p.encoded().length).put(p.encoded());
        }
        return out.array();
    }
}
