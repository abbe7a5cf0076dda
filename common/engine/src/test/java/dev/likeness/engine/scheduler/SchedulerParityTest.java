package dev.likeness.engine.scheduler;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** DDPM/DDIM against diffusers 0.27.2 (golden ddpm_add_noise / ddim_steps). */
class SchedulerParityTest {

    static SchedulerConfig tinySdConfig() throws IOException {
        return SchedulerConfig.read(Golden.path("tiny-sd/scheduler/scheduler_config.json"));
    }

    static float maxAbsDiff(NDArray a, NDArray b) {
        assertThat(a.getShape()).isEqualTo(b.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    static float maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        float m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void ddpmBetasAlphasAddNoiseAndVelocity() throws IOException {
        SchedulerConfig config = tinySdConfig().withType(SchedulerType.DDPM);
        DdpmScheduler ddpm = (DdpmScheduler) config.create();
        try (SafeTensorsFile f = SafeTensorsFile.open(Golden.path("ddpm_add_noise.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertThat(maxAbsDiff(ddpm.schedule().betas(), f.load("betas", m).toFloatArray())).isLessThanOrEqualTo(0f);
            assertThat(maxAbsDiff(ddpm.schedule().alphasCumprod(), f.load("alphas_cumprod", m).toFloatArray()))
                    .isZero();
            NDArray x0 = f.load("original_samples", m);
            NDArray noise = f.load("noise", m);
            NDArray t = f.load("timesteps", m);
            assertThat(t.toLongArray()).containsExactly(0, 1, 499, 999);
            assertThat(maxAbsDiff(ddpm.addNoise(x0, noise, t), f.load("noisy_samples", m))).isLessThanOrEqualTo(1e-6f);
            assertThat(maxAbsDiff(ddpm.velocity(x0, noise, t), f.load("velocity", m))).isLessThanOrEqualTo(1e-6f);
        }
    }

    @Test
    void ddimTimestepsAndChainedSteps() throws IOException {
        DdimScheduler ddim = (DdimScheduler) tinySdConfig().create();
        try (SafeTensorsFile f = SafeTensorsFile.open(Golden.path("ddim_steps.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            ddim.setTimesteps(50);
            assertThat(ddim.timesteps()).containsExactly(f.load("timesteps_50", m).toLongArray());
            ddim.setTimesteps(20);
            assertThat(ddim.timesteps()).containsExactly(f.load("timesteps_20", m).toLongArray());
            assertThat(ddim.finalAlphaCumprod()).isEqualTo(f.load("final_alpha_cumprod", m).getFloat(0));
            assertThat(maxAbsDiff(ddim.schedule().alphasCumprod(), f.load("alphas_cumprod", m).toFloatArray()))
                    .isZero();
            NDArray sample = f.load("sample_0", m);
            for (int i = 0; i < 5; i++) {
                long t = f.load("step" + i + ".timestep", m).getLong(0);
                StepOutput out = ddim.step(f.load("step" + i + ".model_output", m), t, sample);
                assertThat(maxAbsDiff(out.predOriginalSample(), f.load("step" + i + ".pred_original_sample", m)))
                        .as("step %d x0", i).isLessThanOrEqualTo(1e-6f);
                assertThat(maxAbsDiff(out.prevSample(), f.load("step" + i + ".prev_sample", m)))
                        .as("step %d prev", i).isLessThanOrEqualTo(1e-6f);
                sample = out.prevSample();
            }
        }
    }
}
