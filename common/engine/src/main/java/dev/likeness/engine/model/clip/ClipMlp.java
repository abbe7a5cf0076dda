package dev.likeness.engine.model.clip;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;

/** CLIP's feed-forward block: {@code fc2(act(fc1(x)))}. */
public final class ClipMlp extends Module {

    private final Linear fc1;
    private final Linear fc2;
    private final ActivationFunction act;

    public ClipMlp(long hidden, long intermediate, ActivationFunction act) {
        this.act = act;
        this.fc1 = child("fc1", new Linear(hidden, intermediate, true));
        this.fc2 = child("fc2", new Linear(intermediate, hidden, true));
    }

    /**
     * @param x {@code [batch, length, hidden]}
     * @return {@code [batch, length, hidden]}
     */
    public NDArray forward(NDArray x) {
        try (NDArray h = fc1.forward(x); NDArray a = act.apply(h)) {
            return fc2.forward(a);
        }
    }
}
