package dev.likeness.engine.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.model.GoldenTensors;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;

import static dev.likeness.engine.model.GoldenTensors.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AutoencoderKLTest {

    private static final float TOL = 1e-4f;

    @Test
    void matchesDiffusersEncodeAndDecode() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.load(Golden.path("tiny-sd/vae"), manager);
            assertThat(vae.parameterCount()).isEqualTo(658_375L);
            try (NDManager step = manager.newSubManager();
                 GoldenTensors g = new GoldenTensors("vae.safetensors", step)) {
                assertThat(vae.scalingFactor()).isCloseTo(g.get("scaling_factor").getFloat(), within(1e-7));
                NDArray image = g.get("image");
                report("encoder_out", assertClose("encoder_out", vae.encoder().forward(image), g.get("encoder_out"),
                        TOL));
                try (DiagonalGaussian d = vae.encode(image)) {
                    report("moments", assertClose("moments", d.moments(), g.get("moments"), TOL));
                    report("mean", assertClose("mean", d.mean(), g.get("mean"), TOL));
                    report("logvar", assertClose("logvar", d.logvar(), g.get("logvar"), TOL));
                    report("std", assertClose("std", d.std(), g.get("std"), TOL));
                    report("latent_sample", assertClose("latent_sample", d.sample(g.get("eps")),
                            g.get("latent_sample"), TOL));
                    report("decoded_mean", assertClose("decoded_mean", vae.decode(d.mean()), g.get("decoded_mean"),
                            TOL));
                }
                NDArray z = g.get("z");
                report("post_quant_conv_out_z", assertClose("post_quant_conv_out_z", vae.postQuantConv().forward(z),
                        g.get("post_quant_conv_out_z"), TOL));
                report("decoded_z", assertClose("decoded_z", vae.decode(z), g.get("decoded_z"), TOL));
            }
        }
    }

    @Test
    void rejectsImagesNotDivisibleByTheDownscaleFactor() {
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.load(Golden.path("tiny-sd/vae"), manager);
            NDArray odd = manager.zeros(new ai.djl.ndarray.types.Shape(1, 3, 63, 64));
            assertThatThrownBy(() -> vae.encode(odd)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("divisible by 2");
        }
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }

    private static void report(String name, float err) {
        System.out.printf("vae %-22s max abs err %.3g%n", name, err);
    }
}
