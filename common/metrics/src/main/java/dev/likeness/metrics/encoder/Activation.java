package dev.likeness.metrics.encoder;

import ai.djl.ndarray.NDArray;

/** The {@code hidden_act} values of Hugging Face CLIP/ViT configs. */
public enum Activation {
    /** {@code x * sigmoid(1.702 x)}: OpenAI CLIP. */
    QUICK_GELU,
    /** Exact erf GELU: ViT/DINO. */
    GELU,
    /** The tanh approximation ({@code gelu_new}, {@code gelu_pytorch_tanh}). */
    GELU_TANH,
    RELU;

    public static Activation fromConfig(String name) {
        return switch (name) {
            case "quick_gelu" -> QUICK_GELU;
            case "gelu" -> GELU;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> GELU_TANH;
            case "relu" -> RELU;
            default -> throw new IllegalArgumentException("unsupported hidden_act '" + name
                    + "' (quick_gelu, gelu, gelu_new, gelu_pytorch_tanh, relu)");
        };
    }

    /** Applies the activation element-wise; the result is in {@code x}'s manager. */
    public NDArray apply(NDArray x) {
        return switch (this) {
            case QUICK_GELU -> x.mul(ai.djl.nn.Activation.sigmoid(x.mul(1.702f)));
            case GELU -> ai.djl.nn.Activation.gelu(x);
            case GELU_TANH -> {
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                NDArray inner = x.add(x.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
                yield x.mul(0.5f).mul(inner.tanh().add(1f));
            }
            case RELU -> ai.djl.nn.Activation.relu(x);
        };
    }
}
