package dev.likeness.worldmodels.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.likeness.engine.model.vae.AutoencoderKL;
import dev.likeness.engine.model.vae.DiagonalGaussian;
import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Quality bars of the VAE shipped in {@code bundle/world-sd/vae/} (numbers from its TRAINING.md). */
class ShippedVaeTest {

    private static final String FOLDER = "dev/likeness/worldmodels/bundle/world-sd/vae/";
    /** Held-out PSNR measured after training (TRAINING.md), less 1 dB. */
    private static final double MIN_HELD_OUT_PSNR = 30.5;

    private static Path copyOut(Path dir) throws Exception {
        for (String f : new String[] {"config.json", "diffusion_pytorch_model.safetensors"}) {
            try (InputStream in = ShippedVaeTest.class.getClassLoader().getResourceAsStream(FOLDER + f)) {
                assertThat(in).as("bundled " + FOLDER + f).isNotNull();
                Files.copy(in, dir.resolve(f));
            }
        }
        return dir;
    }

    @Test
    void reconstructsHeldOutImagesAndScalesLatentsToUnitVariance(@TempDir Path dir) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            AutoencoderKL vae = AutoencoderKL.load(copyOut(dir), m);
            assertThat(vae.config().downscaleFactor()).isEqualTo(2);
            assertThat(vae.config().latentChannels()).isEqualTo(4);
            WorldConfig world = WorldConfig.defaults().withImageSize(32);

            ImagePool heldOut = new ImagePool(new WorldDataset(world, Split.HELD_OUT), 256);
            double psnr = VaeQuality.meanPsnr(vae, heldOut, 256, 64, m);
            assertThat(psnr).isGreaterThanOrEqualTo(MIN_HELD_OUT_PSNR);

            // scaling_factor was 1/std of 2,048 training latents: 128 images' scaled latents have std near 1
            ImagePool train = new ImagePool(new WorldDataset(world, Split.TRAIN), 128);
            int[] idx = new int[128];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            boolean previous = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try (NDManager sm = m.newSubManager()) {
                NDArray x = train.batch(idx, sm);
                try (DiagonalGaussian posterior = vae.encode(x)) {
                    assertThat(posterior.mean().getShape().getShape()).containsExactly(128, 4, 16, 16);
                    float[] z = posterior.mean().toFloatArray();
                    double sum = 0;
                    double sq = 0;
                    for (float v : z) {
                        sum += v;
                        sq += (double) v * v;
                    }
                    double mean = sum / z.length;
                    double std = Math.sqrt(sq / z.length - mean * mean) * vae.scalingFactor();
                    assertThat(std).isBetween(0.8, 1.25);
                }
            } finally {
                JniUtils.setGradMode(previous);
            }
        }
    }
}
