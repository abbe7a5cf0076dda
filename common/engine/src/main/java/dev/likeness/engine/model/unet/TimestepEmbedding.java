package dev.likeness.engine.model.unet;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;

/** diffusers' {@code TimestepEmbedding} ({@code time_embedding}): {@code linear_2(act(linear_1(x)))}. */
public final class TimestepEmbedding extends Module {

    private final Linear linear1;
    private final Linear linear2;
    private final ActivationFunction act;

    public TimestepEmbedding(long inChannels, long timeEmbedDim, ActivationFunction act) {
        this.act = act;
        this.linear1 = child("linear_1", new Linear(inChannels, timeEmbedDim, true));
        this.linear2 = child("linear_2", new Linear(timeEmbedDim, timeEmbedDim, true));
    }

    /**
     * @param x {@code [batch, in]} sinusoidal embedding
     * @return {@code [batch, time_embed_dim]}
     */
    public NDArray forward(NDArray x) {
        try (NDArray h = linear1.forward(x); NDArray a = act.apply(h)) {
            return linear2.forward(a);
        }
    }
}
