package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;

import java.util.Locale;

/** The element-wise non-linearities used by diffusers and transformers configs ({@code act_fn}, {@code hidden_act}). */
public enum ActivationFunction {
    /** {@code x * sigmoid(x)} (also called swish). */
    SILU,
    /** Exact GELU, {@code x * Phi(x)} with the error function. */
    GELU,
    /** GELU's tanh approximation ({@code gelu_new}, {@code gelu_pytorch_tanh}). */
    GELU_TANH,
    /** CLIP's {@code x * sigmoid(1.702 x)}. */
    QUICK_GELU,
    RELU;

    /** Parses a config name such as {@code silu}, {@code swish}, {@code gelu}, {@code quick_gelu}, {@code relu}. */
    public static ActivationFunction fromName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("activation name is missing");
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "silu", "swish" -> SILU;
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "quick_gelu" -> QUICK_GELU;
            case "relu" -> RELU;
            default -> throw new IllegalArgumentException("unsupported activation '" + name
                    + "' (supported: silu, swish, gelu, gelu_new, gelu_pytorch_tanh, quick_gelu, relu)");
        };
    }

    /**
     * A torch-allocated scalar. DJL's {@code mul(Number)}/{@code pow(Number)} back the number with a Java buffer and
     * close it at once, but autograd keeps that tensor for the backward pass: after a GC the gradient reads freed
     * memory.
     */
    private static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new ai.djl.ndarray.types.Shape(), value, like.getDataType());
    }

    /** Applies the activation; the result lives in {@code x}'s manager. */
    public NDArray apply(NDArray x) {
        switch (this) {
            case SILU:
                // DJL has no fused silu; sigmoid then multiply differs from torch by at most an ulp
                try (NDArray gate = Activation.sigmoid(x)) {
                    return x.mul(gate);
                }
            case GELU:
                return Activation.gelu(x);
            case RELU:
                return Activation.relu(x);
            case QUICK_GELU:
                try (NDArray c = scalar(x, 1.702f); NDArray scaled = x.mul(c); NDArray gate = Activation.sigmoid(scaled)) {
                    return x.mul(gate);
                }
            case GELU_TANH:
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                try (Temporaries t = new Temporaries()) {
                    NDArray cube = t.add(x.pow(t.add(scalar(x, 3f))));
                    NDArray inner = t.add(t.add(cube.mul(t.add(scalar(x, 0.044715f)))).add(x));
                    NDArray th = t.add(t.add(inner.mul(t.add(scalar(x, (float) Math.sqrt(2.0 / Math.PI))))).tanh());
                    NDArray onePlus = t.add(th.add(1f));
                    return t.add(x.mul(t.add(scalar(x, 0.5f)))).mul(onePlus);
                }
            default:
                throw new IllegalStateException(name());
        }
    }
}
