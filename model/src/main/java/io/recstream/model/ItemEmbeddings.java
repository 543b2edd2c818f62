package io.recstream.model;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The model's embeddings in Java, for what the ONNX graph cannot do with its fixed item table:
 * scoring items the model was not trained on. Both tables are row-major {@code [N][D]}: {@code
 * query} embeds the items of a user's history, {@code item} the candidates. A user vector is the
 * weighted mean of the query embeddings of their known items, exactly as in the graph, so {@link
 * #score} is on the model's scale.
 *
 * <p>File format ({@value ModelBundle#EMBEDDINGS_FILE}): the magic {@code RSE1}, N and D as
 * big-endian ints, then N×D query floats and N×D item floats, big-endian.
 */
public final class ItemEmbeddings {

    private static final int MAGIC = 0x52534531; // "RSE1"

    private final int n;
    private final int d;
    private final float[] query;
    private final float[] item;
    private final float meanItemNorm;

    public ItemEmbeddings(float[][] query, float[][] item) {
        if (query.length == 0 || query.length != item.length) {
            throw new IllegalArgumentException("need the same, non-zero number of embeddings");
        }
        this.n = query.length;
        this.d = query[0].length;
        this.query = flatten(query, d);
        this.item = flatten(item, d);
        this.meanItemNorm = meanNorm(this.item, n, d);
    }

    private ItemEmbeddings(int n, int d, float[] query, float[] item) {
        this.n = n;
        this.d = d;
        this.query = query;
        this.item = item;
        this.meanItemNorm = meanNorm(item, n, d);
    }

    public int items() {
        return n;
    }

    public int dimensions() {
        return d;
    }

    /** The mean Euclidean norm of the candidate embeddings: the scale of a typical item. */
    public float meanItemNorm() {
        return meanItemNorm;
    }

    /**
     * The user vector of a history as the model computes it: {@code sum(w_i q_i) / sum(w_i)} over
     * the entries whose index is a model item (others, such as fresh items, are skipped). Null when
     * no entry is a model item with positive weight.
     */
    public float[] userVector(int[] items, float[] weights, int count) {
        float[] u = new float[d];
        double total = 0;
        for (int i = 0; i < count; i++) {
            int it = items[i];
            float w = weights[i];
            if (it < 0 || it >= n || !(w > 0)) {
                continue;
            }
            total += w;
            int base = it * d;
            for (int j = 0; j < d; j++) {
                u[j] += w * query[base + j];
            }
        }
        if (total <= 0) {
            return null;
        }
        float inv = (float) (1.0 / total);
        for (int j = 0; j < d; j++) {
            u[j] *= inv;
        }
        return u;
    }

    /** The mean candidate embedding of {@code members} (model item indices); null when empty. */
    public float[] centroid(List<Integer> members) {
        if (members.isEmpty()) {
            return null;
        }
        float[] c = new float[d];
        for (int it : members) {
            int base = it * d;
            for (int j = 0; j < d; j++) {
                c[j] += item[base + j];
            }
        }
        float inv = 1f / members.size();
        for (int j = 0; j < d; j++) {
            c[j] *= inv;
        }
        return c;
    }

    public static float dot(float[] a, float[] b) {
        float s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    public static float norm(float[] a) {
        return (float) Math.sqrt(dot(a, a));
    }

    public void write(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                DataOutputStream out =
                        new DataOutputStream(new BufferedOutputStream(os, 1 << 16))) {
            out.writeInt(MAGIC);
            out.writeInt(n);
            out.writeInt(d);
            for (float f : query) {
                out.writeFloat(f);
            }
            for (float f : item) {
                out.writeFloat(f);
            }
        }
    }

    /** Reads an embeddings file; the error names the file and what is wrong with it. */
    public static ItemEmbeddings read(Path file, int expectedItems) {
        try (InputStream is = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
            if (in.readInt() != MAGIC) {
                throw new InvalidModelBundleException(file + ": not an embeddings file");
            }
            int n = in.readInt();
            int d = in.readInt();
            if (n != expectedItems || d <= 0 || d > 4096) {
                throw new InvalidModelBundleException(
                        file
                                + ": has "
                                + n
                                + "x"
                                + d
                                + " embeddings, the vocabulary "
                                + expectedItems);
            }
            float[] q = new float[n * d];
            float[] it = new float[n * d];
            for (int i = 0; i < q.length; i++) {
                q[i] = in.readFloat();
            }
            for (int i = 0; i < it.length; i++) {
                it[i] = in.readFloat();
            }
            return new ItemEmbeddings(n, d, q, it);
        } catch (IOException e) {
            throw new InvalidModelBundleException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private static float[] flatten(float[][] rows, int d) {
        float[] f = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("embedding " + i + " has the wrong length");
            }
            System.arraycopy(rows[i], 0, f, i * d, d);
        }
        return f;
    }

    private static float meanNorm(float[] m, int n, int d) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            double r = 0;
            for (int j = 0; j < d; j++) {
                float v = m[i * d + j];
                r += v * v;
            }
            s += Math.sqrt(r);
        }
        return (float) (s / n);
    }
}
