package dev.likeness.worldmodels.dino;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Contrastive loss over two views of {@code k} distinct identities (SimCLR's NT-Xent, which is supervised
 * contrastive learning when every identity appears exactly twice): rows {@code i} and {@code i + k} are the positive
 * pair, every other row is a negative.
 *
 * <pre>
 *   z = x / |x|;  s_ij = z_i·z_j / τ  (s_ii excluded);  loss = mean_i −log softmax_j(s_ij)[pos(i)]
 * </pre>
 * All constants are torch-allocated arrays, never {@code mul(Number)} (see the engine's notes on autograd).
 */
public final class SupConLoss {

    /** Loss and in-batch top-1 retrieval accuracy (how often a view's nearest other view is its partner). */
    public record Result(NDArray loss, float accuracy) {
    }

    private static final float EXCLUDED = -1e4f;

    private SupConLoss() {
    }

    /**
     * @param embeddings  {@code [2k, dim]}: the first view of each identity, then the second view in the same order
     * @param temperature τ
     * @return scalar loss in {@code embeddings}' manager
     */
    public static Result compute(NDArray embeddings, float temperature) {
        Shape s = embeddings.getShape();
        if (s.dimension() != 2 || s.get(0) < 4 || s.get(0) % 2 != 0) {
            throw new IllegalArgumentException("contrastive loss expects [2k, dim] with k >= 2, got " + s);
        }
        int n = (int) s.get(0);
        int k = n / 2;
        NDManager m = embeddings.getManager();
        float[] positive = new float[n * n];
        float[] diagonal = new float[n * n];
        for (int i = 0; i < n; i++) {
            positive[i * n + (i + k) % n] = 1f;
            diagonal[i * n + i] = EXCLUDED;
        }
        try (NDArray eps = m.full(new Shape(), 1e-12f, DataType.FLOAT32);
             NDArray invT = m.full(new Shape(), 1f / temperature, DataType.FLOAT32);
             NDArray minusInvN = m.full(new Shape(), -1f / n, DataType.FLOAT32);
             NDArray pos = m.create(positive, new Shape(n, n));
             NDArray diag = m.create(diagonal, new Shape(n, n))) {
            NDArray norm = embeddings.square().sum(new int[] {1}, true).add(eps).sqrt();
            NDArray z = embeddings.div(norm);
            NDArray logits = z.matMul(z.transpose(1, 0)).mul(invT).add(diag);
            NDArray logProb = logits.logSoftmax(1);
            NDArray loss = logProb.mul(pos).sum().mul(minusInvN);
            long[] nearest = logits.argMax(1).toLongArray();
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += nearest[i] == (i + k) % n ? 1 : 0;
            }
            return new Result(loss, (float) hits / n);
        }
    }
}
