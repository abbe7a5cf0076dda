package dev.likeness.training.loop;

import ai.djl.ndarray.NDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loss of one forward pass.
 *
 * @param total        scalar to differentiate: instance + λ·prior (+ weighted regularisers)
 * @param instanceLoss value of the instance term
 * @param priorLoss    value of the prior term (0 without prior preservation)
 * @param prediction   the model output {@code [batch, 4, h, w]}
 * @param regularizers value of each regulariser added by {@link #plus}, weight included (e.g. {@code unmix})
 */
public record LossTerms(NDArray total, float instanceLoss, float priorLoss, NDArray prediction,
                        Map<String, Float> regularizers) {

    public LossTerms {
        regularizers = Collections.unmodifiableMap(new LinkedHashMap<>(regularizers));
    }

    public LossTerms(NDArray total, float instanceLoss, float priorLoss, NDArray prediction) {
        this(total, instanceLoss, priorLoss, prediction, Map.of());
    }

    /**
     * These terms with {@code weighted} (a scalar, weight already applied, in the autograd graph) added to the total
     * and its value logged under {@code name}.
     */
    public LossTerms plus(String name, NDArray weighted) {
        if (regularizers.containsKey(name)) {
            throw new IllegalArgumentException("loss term '" + name + "' is already added");
        }
        Map<String, Float> r = new LinkedHashMap<>(regularizers);
        r.put(name, weighted.getFloat());
        return new LossTerms(total.add(weighted), instanceLoss, priorLoss, prediction, r);
    }
}
