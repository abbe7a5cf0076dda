package dev.likeness.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.loop.DiffusionObjective;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NoiseScheduleTest {

    @Test
    void alphasCumprodAddNoiseAndVelocityMatchDiffusers() throws Exception {
        NoiseSchedule schedule = NoiseSchedule.fromConfig(Golden.path("tiny-sd/scheduler/scheduler_config.json"));
        try (NDManager m = NDManager.newBaseManager();
             SafeTensorsFile f = SafeTensorsFile.open(Golden.path("ddpm_add_noise.safetensors"))) {
            float[] ref = f.load("alphas_cumprod", m).toFloatArray();
            float worst = 0;
            for (int i = 0; i < ref.length; i++) {
                worst = Math.max(worst, Math.abs(ref[i] - schedule.alphasCumprod()[i]) / ref[i]);
            }
            assertThat(worst).isLessThanOrEqualTo(1e-6f);
            DiffusionObjective o = new DiffusionObjective(schedule, null, 1f, null);
            NDArray x0 = f.load("original_samples", m);
            NDArray noise = f.load("noise", m);
            NDArray t = f.load("timesteps", m);
            assertThat(o.addNoise(x0, noise, t).sub(f.load("noisy_samples", m)).abs().max().getFloat())
                    .isLessThanOrEqualTo(1e-6f);
            assertThat(o.velocity(x0, noise, t).sub(f.load("velocity", m)).abs().max().getFloat())
                    .isLessThanOrEqualTo(1e-6f);
        }
    }

    @Test
    void rejectsUnknownScheduleAndPrediction() {
        assertThatThrownBy(() -> NoiseSchedule.alphasCumprod("squaredcos_cap_v3", 0.1, 0.2, 10))
                .hasMessageContaining("beta_schedule");
        assertThatThrownBy(() -> NoiseSchedule.PredictionType.fromConfig("sample"))
                .hasMessageContaining("prediction_type");
    }
}
