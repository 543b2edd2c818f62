package io.recstream.model;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Sorted, distinct non-negative ints (item indices) packed as their count and the gaps between
 * them, each a variable-length integer (7 bits a byte): a user's consumed items in one or two bytes
 * each when the catalogue has fewer than 16,384 items. Encoded once per event and handed on as a
 * byte array, which Flink copies as one block.
 */
public final class SortedInts {

    private static final byte[] EMPTY = {0};

    private SortedInts() {}

    /** The encoding of no items. */
    public static byte[] empty() {
        return EMPTY.clone();
    }

    /** Encodes {@code sorted} (ascending, distinct, non-negative). */
    public static byte[] encode(int[] sorted) {
        return encode(sorted, sorted.length);
    }

    /** Encodes the first {@code n} entries of {@code sorted}. */
    public static byte[] encode(int[] sorted, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2 + 2 * n);
        writeVarInt(out, n);
        int previous = 0;
        for (int i = 0; i < n; i++) {
            int v = sorted[i];
            if (v < previous || (i > 0 && v == previous)) {
                throw new IllegalArgumentException("not sorted and distinct at " + i + ": " + v);
            }
            writeVarInt(out, v - previous);
            previous = v;
        }
        return out.toByteArray();
    }

    /** The ints of an encoding, ascending. */
    public static int[] decode(byte[] packed) {
        if (packed == null || packed.length == 0) {
            return new int[0];
        }
        int[] pos = {0};
        int n = readVarInt(packed, pos);
        int[] values = new int[n];
        int v = 0;
        for (int i = 0; i < n; i++) {
            v += readVarInt(packed, pos);
            values[i] = v;
        }
        return values;
    }

    /** How many ints an encoding holds. */
    public static int size(byte[] packed) {
        return packed == null || packed.length == 0 ? 0 : readVarInt(packed, new int[] {0});
    }

    /** The union of two ascending arrays, ascending and distinct. */
    public static int[] union(int[] a, int[] b) {
        int[] out = new int[a.length + b.length];
        int i = 0;
        int j = 0;
        int n = 0;
        while (i < a.length || j < b.length) {
            int v;
            if (j >= b.length || (i < a.length && a[i] < b[j])) {
                v = a[i++];
            } else if (i >= a.length || b[j] < a[i]) {
                v = b[j++];
            } else {
                v = a[i++];
                j++;
            }
            out[n++] = v;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static void writeVarInt(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int readVarInt(byte[] in, int[] pos) {
        int v = 0;
        int shift = 0;
        while (true) {
            byte b = in[pos[0]++];
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
            shift += 7;
        }
    }
}
