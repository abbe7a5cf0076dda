package dev.likeness.worldmodels.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.List;

/**
 * CLIP's symmetric InfoNCE: cosine similarities scaled by {@code exp(logit_scale)}, cross-entropy over texts for each
 * image and over images for each text, averaged. Rows whose texts are identical ("a red ball" twice in a batch) are
 * all positives of each other, with the target mass shared equally, instead of being pushed apart.
 */
final class ContrastiveLoss {

    /** The loss and the fraction of images whose best-scoring text is one of their positives. */
    record Result(NDArray loss, float accuracy) {
    }

    private ContrastiveLoss() {
    }

    /**
     * @param imageEmbeds {@code [batch, dim]} (not normalised)
     * @param textEmbeds  {@code [batch, dim]} (not normalised)
     * @param logScale    scalar {@code logit_scale}
     * @param texts       the text of each row (equal strings are shared positives)
     * @param m           manager of the step's temporaries
     */
    static Result compute(NDArray imageEmbeds, NDArray textEmbeds, NDArray logScale, List<String> texts,
                          NDManager m) {
        int b = texts.size();
        NDArray targets = m.create(targets(texts), new Shape(b, b));
        NDArray img = imageEmbeds.div(imageEmbeds.square().sum(new int[]{1}, true).sqrt());
        NDArray txt = textEmbeds.div(textEmbeds.square().sum(new int[]{1}, true).sqrt());
        NDArray logits = img.matMul(txt.transpose(1, 0)).mul(logScale.exp());
        // targets are symmetric and every positive of row i has the same count, so one matrix serves both directions
        NDArray perImage = logits.logSoftmax(1).mul(targets).sum();
        NDArray perText = logits.logSoftmax(0).mul(targets).sum();
        NDArray scale = m.full(new Shape(), -0.5f / b, DataType.FLOAT32);
        NDArray loss = perImage.add(perText).mul(scale);
        float[] t = targets.toFloatArray();
        long[] best = logits.argMax(1).toLongArray();
        int hit = 0;
        for (int i = 0; i < b; i++) {
            hit += t[i * b + (int) best[i]] > 0 ? 1 : 0;
        }
        return new Result(loss, (float) hit / b);
    }

    /** {@code [b, b]}: {@code 1/count} where the texts of row and column are equal, else 0. */
    static float[] targets(List<String> texts) {
        int b = texts.size();
        float[] t = new float[b * b];
        for (int i = 0; i < b; i++) {
            int count = 0;
            for (int j = 0; j < b; j++) {
                count += texts.get(i).equals(texts.get(j)) ? 1 : 0;
            }
            for (int j = 0; j < b; j++) {
                t[i * b + j] = texts.get(i).equals(texts.get(j)) ? 1f / count : 0f;
            }
        }
        return t;
    }
}
