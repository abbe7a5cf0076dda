package dev.likeness.worldmodels.dino;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Cosine-softmax classification of each embedding among learned identity prototypes (NormFace): every identity owns
 * one unit vector, and an embedding's logits are its cosines to all prototypes divided by τ. Pulls all views of an
 * identity to one direction much faster than pairwise contrast alone, and the geometry it shapes is the one the
 * DINO metric reads (cosines of embeddings).
 *
 * <pre>
 *   loss = mean_i −log softmax_c(cos(z_i, p_c) / τ)[label_i]
 * </pre>
 */
public final class PrototypeLoss {

    private PrototypeLoss() {
    }

    /**
     * @param embeddings {@code [n, dim]}
     * @param prototypes {@code [identities, dim]}
     * @param labels     identity index of each row
     * @return scalar loss (in {@code embeddings}' manager) and top-1 accuracy
     */
    public static SupConLoss.Result compute(NDArray embeddings, NDArray prototypes, int[] labels, float temperature) {
        Shape e = embeddings.getShape();
        Shape p = prototypes.getShape();
        if (e.dimension() != 2 || p.dimension() != 2 || e.get(1) != p.get(1) || e.get(0) != labels.length) {
            throw new IllegalArgumentException("prototype loss expects embeddings [n, dim], prototypes [c, dim] and n "
                    + "labels, got " + e + ", " + p + " and " + labels.length + " labels");
        }
        int n = labels.length;
        int c = (int) p.get(0);
        float[] onehot = new float[n * c];
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0 || labels[i] >= c) {
                throw new IllegalArgumentException("label " + labels[i] + " outside [0, " + c + ")");
            }
            onehot[i * c + labels[i]] = 1f;
        }
        NDManager m = embeddings.getManager();
        try (NDArray invT = m.full(new Shape(), 1f / temperature, DataType.FLOAT32);
             NDArray minusInvN = m.full(new Shape(), -1f / n, DataType.FLOAT32);
             NDArray target = m.create(onehot, new Shape(n, c))) {
            NDArray logits = unit(embeddings).matMul(unit(prototypes).transpose(1, 0)).mul(invT);
            NDArray loss = logits.logSoftmax(1).mul(target).sum().mul(minusInvN);
            long[] best = logits.argMax(1).toLongArray();
            int hits = 0;
            for (int i = 0; i < n; i++) {
                hits += best[i] == labels[i] ? 1 : 0;
            }
            return new SupConLoss.Result(loss, (float) hits / n);
        }
    }

    // rows scaled to unit length; the result stays in x's manager only through autograd-safe array ops
    static NDArray unit(NDArray x) {
        try (NDArray eps = x.getManager().full(new Shape(), 1e-12f, DataType.FLOAT32)) {
            return x.div(x.square().sum(new int[] {1}, true).add(eps).sqrt());
        }
    }
}
