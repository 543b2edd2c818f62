package io.recstream.training;

import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.QRDecomposition;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.ejml.sparse.csc.CommonOps_DSCC;

/**
 * Truncated SVD of a sparse user × item matrix by randomized range finding with power iterations
 * (Halko, Martinsson &amp; Tropp, 2011, algorithms 4.4 and 5.1), on EJML. Only products of the
 * sparse matrix with thin dense matrices are formed, so the cost is O(nnz · (rank + oversampling))
 * per pass plus dense decompositions of thin matrices.
 *
 * <p>The right singular vectors V give the PureSVD recommender (Cremonesi, Koren &amp; Turrin,
 * 2010): the score of item i for a user with interaction row r is r · V · V[i]ᵀ.
 */
public final class TruncatedSvd {
    private TruncatedSvd() {}

    /** Right singular vectors [items × rank] and singular values, largest first. */
    public record Result(DMatrixRMaj rightVectors, double[] singularValues) {}

    /**
     * @param a the sparse matrix, users × items
     * @param rank number of singular triplets wanted
     * @param oversampling extra random directions (10 is typical)
     * @param powerIterations passes that sharpen the spectrum (2–4 typical)
     * @param seed random seed, for reproducible models
     */
    public static Result compute(
            DMatrixSparseCSC a, int rank, int oversampling, int powerIterations, long seed) {
        int users = a.numRows;
        int items = a.numCols;
        int width = Math.min(rank + oversampling, Math.min(users, items));
        if (rank > width) {
            throw new IllegalArgumentException(
                    "rank "
                            + rank
                            + " exceeds the matrix's smaller side ("
                            + Math.min(users, items)
                            + ")");
        }
        Random random = new Random(seed);
        DMatrixRMaj omega = new DMatrixRMaj(items, width);
        for (int i = 0; i < omega.data.length; i++) {
            omega.data[i] = random.nextGaussian();
        }
        DMatrixRMaj y = new DMatrixRMaj(users, width);
        CommonOps_DSCC.mult(a, omega, y);
        DMatrixRMaj q = orthonormalize(y);
        DMatrixRMaj z = new DMatrixRMaj(items, width);
        for (int p = 0; p < powerIterations; p++) {
            CommonOps_DSCC.multTransA(a, q, z, null);
            DMatrixRMaj qz = orthonormalize(z);
            CommonOps_DSCC.mult(a, qz, y);
            q = orthonormalize(y);
        }
        // Bᵀ = Aᵀ Q is items × width; A ≈ Q B, so A's right singular vectors are Bᵀ's left ones.
        DMatrixRMaj bt = new DMatrixRMaj(items, q.numCols);
        CommonOps_DSCC.multTransA(a, q, bt, null);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(bt.numRows, bt.numCols, true, false, true);
        if (!svd.decompose(bt)) {
            throw new IllegalStateException("SVD did not converge");
        }
        DMatrixRMaj u = svd.getU(null, false);
        DMatrixRMaj w = svd.getW(null);
        SingularOps_DDRM.descendingOrder(u, false, w, null, false);
        DMatrixRMaj v = CommonOps_DDRM.extract(u, 0, items, 0, rank);
        double[] sigma = new double[rank];
        for (int i = 0; i < rank; i++) {
            sigma[i] = w.get(i, i);
        }
        return new Result(v, sigma);
    }

    private static DMatrixRMaj orthonormalize(DMatrixRMaj m) {
        QRDecomposition<DMatrixRMaj> qr = DecompositionFactory_DDRM.qr(m.numRows, m.numCols);
        if (!qr.decompose(m.copy())) {
            throw new IllegalStateException("QR decomposition failed");
        }
        return qr.getQ(null, true);
    }
}
