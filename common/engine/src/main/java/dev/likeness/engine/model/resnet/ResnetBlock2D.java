package dev.likeness.engine.model.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.likeness.engine.nn.ActivationFunction;
import dev.likeness.engine.nn.Conv2d;
import dev.likeness.engine.nn.GroupNorm;
import dev.likeness.engine.nn.Linear;
import dev.likeness.engine.nn.Module;
import dev.likeness.engine.nn.Temporaries;

/**
 * diffusers' {@code ResnetBlock2D}: {@code norm1 → act → conv1 → (+ time_emb_proj(act(temb))) → norm2 → act →
 * conv2}, plus the input (through a 1x1 {@code conv_shortcut} when the channel count changes), divided by
 * {@code output_scale_factor}. Without time embedding channels (the VAE) there is no {@code time_emb_proj}.
 */
public final class ResnetBlock2D extends Module {

    /** How the time embedding enters: added ({@code default}) or as scale and shift after {@code norm2}. */
    public enum TimeEmbeddingNorm { DEFAULT, SCALE_SHIFT;

        public static TimeEmbeddingNorm fromName(String name) {
            return switch (name) {
                case "default" -> DEFAULT;
                case "scale_shift" -> SCALE_SHIFT;
                default -> throw new IllegalArgumentException("unsupported resnet_time_scale_shift '" + name
                        + "' (supported: default, scale_shift)");
            };
        }
    }

    private final long outChannels;
    private final ActivationFunction act;
    private final float outputScaleFactor;
    private final TimeEmbeddingNorm timeNorm;
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;

    /**
     * @param tembChannels time embedding width, or 0 for none
     */
    public ResnetBlock2D(long inChannels, long outChannels, long tembChannels, int groups, float eps,
                         ActivationFunction act, float outputScaleFactor, TimeEmbeddingNorm timeNorm) {
        this.outChannels = outChannels;
        this.act = act;
        this.outputScaleFactor = outputScaleFactor;
        this.timeNorm = timeNorm;
        this.norm1 = child("norm1", new GroupNorm(groups, inChannels, eps));
        this.conv1 = child("conv1", new Conv2d(inChannels, outChannels, 3, 1, 1));
        if (tembChannels > 0) {
            long projOut = timeNorm == TimeEmbeddingNorm.SCALE_SHIFT ? outChannels * 2 : outChannels;
            this.timeEmbProj = child("time_emb_proj", new Linear(tembChannels, projOut, true));
        } else {
            this.timeEmbProj = null;
        }
        this.norm2 = child("norm2", new GroupNorm(groups, outChannels, eps));
        this.conv2 = child("conv2", new Conv2d(outChannels, outChannels, 3, 1, 1));
        this.convShortcut = inChannels != outChannels
                ? child("conv_shortcut", new Conv2d(inChannels, outChannels, 1, 1, 0)) : null;
    }

    /**
     * @param x    {@code [batch, in, height, width]}
     * @param temb {@code [batch, temb]} time embedding (before the activation), or {@code null} for none
     * @return {@code [batch, out, height, width]}
     */
    public NDArray forward(NDArray x, NDArray temb) {
        try (Temporaries t = new Temporaries()) {
            NDArray h = t.add(norm1.forward(x));
            h = t.add(act.apply(h));
            h = t.add(conv1.forward(h));
            NDArray scale = null;
            NDArray shift = null;
            if (temb != null && timeEmbProj != null) {
                NDArray e = t.add(act.apply(temb));
                e = t.add(timeEmbProj.forward(e));
                e = t.add(e.reshape(e.getShape().get(0), e.getShape().get(1), 1, 1));
                if (timeNorm == TimeEmbeddingNorm.DEFAULT) {
                    h.addi(e); // conv1's output is not needed by its backward
                } else {
                    NDList parts = e.split(2, 1);
                    scale = t.add(parts.get(0));
                    shift = t.add(parts.get(1));
                }
            }
            h = t.add(norm2.forward(h));
            if (scale != null) {
                NDArray onePlus = t.add(scale.add(1f));
                h = t.add(t.add(h.mul(onePlus)).add(shift));
            }
            h = t.add(act.apply(h));
            h = t.add(conv2.forward(h));
            NDArray skip = convShortcut == null ? x : t.add(convShortcut.forward(x));
            NDArray out = t.keep(h.addi(skip)); // conv2's output is not needed by its backward
            if (outputScaleFactor != 1f) {
                out.divi(outputScaleFactor);
            }
            return out;
        }
    }

    public long outChannels() {
        return outChannels;
    }
}
