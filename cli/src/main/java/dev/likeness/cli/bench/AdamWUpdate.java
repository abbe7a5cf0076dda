package dev.likeness.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.likeness.engine.nn.Parameter;

import java.util.ArrayList;
import java.util.List;

/**
 * The optimizer half of a training step for benchmarking: global-norm clipping to 1 and a decoupled-weight-decay Adam
 * update (Loshchilov &amp; Hutter 2019), the same work as torch's clip_grad_norm_ + AdamW: the norm with one host
 * sync, the update with one native call per tensor (DJL's adamUpdate: the same torch ops without a JNI round trip
 * each).
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
        NDList squares = new NDList(params.size());
        try {
            for (Parameter p : params) {
                NDArray g = p.array().getGradient();
                grads.add(g);
                squares.add(g.square().sum());
            }
            // one host sync for the global norm instead of one per tensor
            double sq;
            try (NDArray all = NDArrays.stack(squares); NDArray total = all.sum()) {
                sq = total.getFloat();
            }
            float clip = (float) Math.min(1.0, 1.0 / (Math.sqrt(sq) + 1e-6));
            float bc1 = 1 - (float) Math.pow(BETA1, t);
            float bc2 = 1 - (float) Math.pow(BETA2, t);
            for (int i = 0; i < params.size(); i++) {
                // libtorch does the whole update in one native call (decoupled decay, then the Adam moments);
                // the bias correction is folded into the rate as sqrt(bc2)/bc1, so eps acts as eps/sqrt(bc2)
                JniUtils.adamUpdate((PtNDArray) params.get(i).array(), (PtNDArray) grads.get(i), (PtNDArray) m.get(i),
                        (PtNDArray) v.get(i), LR, LR * (float) Math.sqrt(bc2) / bc1, WEIGHT_DECAY, clip, -1f, BETA1,
                        BETA2, EPS, true);
            }
        } finally {
            squares.close();
            grads.forEach(NDArray::close);
        }
    }

    @Override
    public void close() {
        m.forEach(NDArray::close);
        v.forEach(NDArray::close);
    }
}
