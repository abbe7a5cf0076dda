package dev.likeness.engine.model.attention;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.nn.Geglu;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.ModuleList;

/**
 * diffusers' {@code FeedForward} with the GEGLU activation: {@code net.0} (GEGLU, {@code net.0.proj}), {@code net.1}
 * (dropout, no weights), {@code net.2} (Linear back to {@code dim}); inner width {@code 4 * dim}.
 */
public final class FeedForward extends Module {

    private final Geglu geglu;
    private final Linear out;

    public FeedForward(long dim, int mult) {
        long inner = dim * mult;
        ModuleList<Module> net = child("net", new ModuleList<>());
        this.geglu = (Geglu) net.add(new Geglu(dim, inner));
        net.skip();
        this.out = (Linear) net.add(new Linear(inner, dim, true));
    }

    /**
     * @param x {@code [batch, length, dim]}
     * @return {@code [batch, length, dim]}
     */
    public NDArray forward(NDArray x) {
        try (NDArray h = geglu.forward(x)) {
            return out.forward(h);
        }
    }
}
