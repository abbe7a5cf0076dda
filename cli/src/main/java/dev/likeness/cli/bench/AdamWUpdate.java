package dev.likeness.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer half of a training step for benchmarking: global-norm clipping to 1 and a decoupled-weight-decay Adam
 * update (Loshchilov &amp; Hutter 2019) with in-place ops, the same work as torch's clip_grad_norm_ + AdamW.
 */
final class AdamWUpdate implements AutoCloseable {

    private static final float LR = 5e-6f;
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPS = 1e-8f;
    private static final float WEIGHT_DECAY = 1e-2f;

    private final List<Parameter> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private int t;

    AdamWUpdate(List<Parameter> params, NDManager manager) {
        this.params = params;
        for (Parameter p : params) {
            m.add(manager.zeros(p.shape()));
            v.add(manager.zeros(p.shape()));
        }
    }

    void step() {
        t++;
        List<NDArray> grads = new ArrayList<>(params.size());
        double sq = 0;
        for (Parameter p : params) {
            NDArray g = p.array().getGradient();
            grads.add(g);
            sq += g.square().sum().getFloat();
        }
        float clip = (float) Math.min(1.0, 1.0 / (Math.sqrt(sq) + 1e-6));
        float bc1 = 1 - (float) Math.pow(BETA1, t);
        float bc2 = 1 - (float) Math.pow(BETA2, t);
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i).array();
            NDArray g = grads.get(i).muli(clip);
            m.get(i).muli(BETA1).addi(g.mul(1 - BETA1));
            v.get(i).muli(BETA2).addi(g.square().muli(1 - BETA2));
            NDArray denom = v.get(i).div(bc2).sqrt().addi(EPS);
            NDArray update = m.get(i).div(bc1).divi(denom).muli(LR);
            // outside a GradientCollector autograd is off, so in-place updates of the leaf weights are allowed
            w.muli(1 - LR * WEIGHT_DECAY).subi(update);
            g.close();
        }
    }

    @Override
    public void close() {
        m.forEach(NDArray::close);
        v.forEach(NDArray::close);
    }
}
