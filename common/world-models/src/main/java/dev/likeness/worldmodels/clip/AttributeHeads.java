package dev.likeness.worldmodels.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.Pattern;
import dev.likeness.worldmodels.dino.PrototypeLoss;
import dev.likeness.worldmodels.dino.SupConLoss;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Training-only supervision of the image tower: three linear heads on the unit-length image embedding (cosine
 * classifiers, {@link PrototypeLoss}) predicting the main object's class, colour and pattern from the world's
 * attributes. Contrast alone let the vision tower get by on colour and texture; naming the class directly makes it
 * see shape. The heads are not part of the exported CLIP folder.
 *
 * <pre>
 *   aux = CE(class) + CE(colour) + CE(pattern)     (cosine logits / τ)
 * </pre>
 */
final class AttributeHeads {

    /** Softmax temperature of the cosine logits. */
    static final float TEMPERATURE = 0.1f;
    static final String PREFIX = "aux/";

    /** One head's weights {@code [classes, projectionDim]}, keyed {@code aux/class}, {@code aux/colour}, … */
    private final Map<String, NDArray> weights = new LinkedHashMap<>();

    /** The step's auxiliary loss (scalar, in the embeddings' manager) and the class head's accuracy. */
    record Result(NDArray loss, float classAccuracy) {
    }

    /** Random heads (seeded) owned by {@code manager}, with gradients attached. */
    AttributeHeads(int projectionDim, long seed, NDManager manager) {
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        add("class", ObjectClass.values().length, projectionDim, rnd, manager);
        add("colour", Colour.values().length, projectionDim, rnd, manager);
        add("pattern", Pattern.values().length, projectionDim, rnd, manager);
    }

    private void add(String name, int classes, int dim, Random rnd, NDManager manager) {
        float[] w = new float[classes * dim];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        NDArray a = manager.create(w, new Shape(classes, dim));
        a.setRequiresGradient(true);
        weights.put(PREFIX + name, a);
    }

    /** The trainable arrays by checkpoint key. */
    Map<String, NDArray> weights() {
        return weights;
    }

    /**
     * @param imageEmbeds {@code [batch, projectionDim]} image embeddings (before normalisation)
     * @param objects     the main object of each row's image
     */
    Result loss(NDArray imageEmbeds, ObjectAttributes[] objects) {
        int n = objects.length;
        int[] cls = new int[n];
        int[] colour = new int[n];
        int[] pattern = new int[n];
        for (int i = 0; i < n; i++) {
            cls[i] = objects[i].objectClass().ordinal();
            colour[i] = objects[i].colour().ordinal();
            pattern[i] = objects[i].pattern().ordinal();
        }
        SupConLoss.Result c = PrototypeLoss.compute(imageEmbeds, weights.get(PREFIX + "class"), cls, TEMPERATURE);
        SupConLoss.Result k = PrototypeLoss.compute(imageEmbeds, weights.get(PREFIX + "colour"), colour, TEMPERATURE);
        SupConLoss.Result p = PrototypeLoss.compute(imageEmbeds, weights.get(PREFIX + "pattern"), pattern,
                TEMPERATURE);
        return new Result(c.loss().add(k.loss()).add(p.loss()), c.accuracy());
    }

    /** A scalar constant for autograd-safe scaling (never {@code mul(Number)} on graph arrays). */
    static NDArray scalar(NDManager m, float v) {
        return m.full(new Shape(), v, DataType.FLOAT32);
    }
}
