package dev.likeness.engine.model.unet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Backward through a forward pass whose intermediates were closed eagerly. */
class UNetAutogradTest {

    @Test
    void gradientsReachEveryTrainableWeightAndMatchAFiniteDifference() {
        try (NDManager manager = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModel.load(Golden.path("tiny-sd/unet"), manager);
            String probe = "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight";
            unet.setTrainableOnly(k -> k.contains("attn2.to_k") || k.equals("conv_in.weight"));
            Engine.getInstance().setRandomSeed(3);
            try (NDManager step = manager.newSubManager()) {
                NDArray sample = step.randomNormal(new Shape(1, 4, 16, 16));
                NDArray ctx = step.randomNormal(new Shape(1, 5, 32));
                NDArray t = step.create(new long[] {250});
                NDArray target = step.randomNormal(new Shape(1, 4, 16, 16));
                float loss0;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = unet.forward(sample, t, ctx);
                    NDArray loss = out.sub(target).square().mean();
                    loss0 = loss.getFloat();
                    gc.backward(loss);
                }
                for (var e : unet.namedParameters().entrySet()) {
                    Parameter p = e.getValue();
                    if (p.isTrainable()) {
                        try (NDArray g = p.array().getGradient()) {
                            assertThat(g.abs().sum().getFloat()).as(e.getKey()).isGreaterThan(0f);
                        }
                    }
                }
                // directional finite difference along the gradient of one weight
                Parameter w = unet.namedParameters().get(probe);
                NDArray grad = w.array().getGradient();
                float gg = grad.square().sum().getFloat();
                float h = 1e-2f / (float) Math.sqrt(gg);
                NDArray original = w.array().duplicate();
                w.set(original.add(grad.mul(h)));
                float lossPlus = unet.forward(sample, t, ctx).sub(target).square().mean().getFloat();
                w.set(original.sub(grad.mul(h)));
                float lossMinus = unet.forward(sample, t, ctx).sub(target).square().mean().getFloat();
                double numeric = (lossPlus - lossMinus) / (2.0 * h);
                assertThat(numeric).isCloseTo(gg, org.assertj.core.data.Offset.offset(0.05 * gg));
                assertThat(loss0).isPositive();
            }
        }
    }
}
