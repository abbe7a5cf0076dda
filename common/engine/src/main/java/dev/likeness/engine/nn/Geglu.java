package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;

/**
 * Gated GELU (Shazeer 2020) as in diffusers' {@code GEGLU}: one projection {@code proj} to {@code 2 * out}, split
 * into value and gate halves along the last axis, {@code value * gelu(gate)}.
 */
public final class Geglu extends Module {

    private final Linear proj;
    private final long outFeatures;

    public Geglu(long inFeatures, long outFeatures) {
        this.outFeatures = outFeatures;
        this.proj = child("proj", new Linear(inFeatures, outFeatures * 2, true));
    }

    /**
     * @param x {@code [..., in]}
     * @return {@code [..., out]}
     */
    public NDArray forward(NDArray x) {
        try (Temporaries t = new Temporaries()) {
            NDArray both = t.add(proj.forward(x));
            NDList halves = both.split(2, both.getShape().dimension() - 1);
            t.add(halves.get(0));
            t.add(halves.get(1));
            NDArray gate = t.add(Activation.gelu(halves.get(1)));
            return halves.get(0).mul(gate);
        }
    }

    public Linear proj() {
        return proj;
    }

    public long outFeatures() {
        return outFeatures;
    }
}
