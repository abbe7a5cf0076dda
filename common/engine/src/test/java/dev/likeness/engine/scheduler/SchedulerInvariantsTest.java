package dev.likeness.engine.scheduler;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Euler / DPM-Solver++ have no golden data: check them against their formulas and a perfect denoiser. */
class SchedulerInvariantsTest {

    private static SchedulerConfig sd(SchedulerType type) throws IOException {
        return SchedulerParityTest.tinySdConfig().withType(type);
    }

    @Test
    void eulerSigmasFollowAlphasCumprod() throws IOException {
        EulerDiscreteScheduler euler = (EulerDiscreteScheduler) sd(SchedulerType.EULER).create();
        euler.setTimesteps(20);
        long[] ts = euler.timesteps();
        assertThat(ts).hasSize(20);
        assertThat(ts[0]).isEqualTo(951);
        assertThat(ts[19]).isEqualTo(1);
        float[] ac = BetaSchedule.of(euler.config()).alphasCumprod();
        float[] sigmas = euler.sigmas();
        assertThat(sigmas).hasSize(21);
        assertThat(sigmas[20]).isZero();
        for (int i = 0; i < 20; i++) {
            assertThat(sigmas[i]).isCloseTo((float) Math.sqrt((1 - ac[(int) ts[i]]) / ac[(int) ts[i]]), within(1e-5f));
            if (i > 0) {
                assertThat(sigmas[i]).isLessThan(sigmas[i - 1]);
            }
        }
        // leading spacing: init sigma is sqrt(sigma_max^2 + 1), as diffusers
        assertThat(euler.initNoiseSigma()).isCloseTo((float) Math.sqrt(sigmas[0] * sigmas[0] + 1), within(1e-5f));
    }

    @Test
    void dpmSolverTimestepsAndSigmas() throws IOException {
        DpmSolverMultistepScheduler dpm = (DpmSolverMultistepScheduler) sd(SchedulerType.DPM_SOLVER_MULTISTEP).create();
        dpm.setTimesteps(20);
        long[] ts = dpm.timesteps();
        // leading: (arange(0, 21) * (1000 // 21))[::-1][:-1] + 1
        for (int i = 0; i < 20; i++) {
            assertThat(ts[i]).isEqualTo((20 - i) * 47L + 1);
        }
        assertThat(dpm.sigmas()[20]).isZero();
        assertThat(dpm.initNoiseSigma()).isEqualTo(1f);
    }

    @Test
    void trailingAndLinspaceSpacing() {
        ObjectNode json = new ObjectMapper().createObjectNode().put("_class_name", "DDIMScheduler")
                .put("timestep_spacing", "trailing").put("beta_schedule", "scaled_linear")
                .put("beta_start", 0.00085).put("beta_end", 0.012);
        Scheduler trailing = SchedulerConfig.parse(json).create();
        trailing.setTimesteps(4);
        assertThat(trailing.timesteps()).containsExactly(999, 749, 499, 249);
        json.put("timestep_spacing", "linspace");
        Scheduler linspace = SchedulerConfig.parse(json).create();
        linspace.setTimesteps(4);
        assertThat(linspace.timesteps()).containsExactly(999, 666, 333, 0);
    }

    /**
     * With model output = the true noise ε of x_t = signal·x₀ + noise·ε, a deterministic sampler stays on that line
     * and ends at x₀.
     */
    @ParameterizedTest
    @EnumSource(value = SchedulerType.class, names = {"DDIM", "EULER", "DPM_SOLVER_MULTISTEP"})
    void perfectDenoiserRecoversCleanSample(SchedulerType type) throws IOException {
        for (PredictionType prediction : PredictionType.values()) {
            ObjectNode json = (ObjectNode) sd(type).source().deepCopy();
            json.put("prediction_type", prediction.configName()).put("set_alpha_to_one", true);
            Scheduler scheduler = SchedulerConfig.parse(json).withType(type).create();
            try (NDManager m = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(7);
                NDArray x0 = m.randomNormal(new Shape(1, 4, 8, 8));
                NDArray eps = m.randomNormal(new Shape(1, 4, 8, 8));
                scheduler.setTimesteps(12);
                long first = scheduler.timesteps()[0];
                // Euler's addNoise is x0 + sigma*eps, already in its sigma frame
                NDArray sample = scheduler.addNoise(x0, eps, m.create(new long[] {first}));
                float[] ac = BetaSchedule.of(scheduler.config()).alphasCumprod();
                for (long t : scheduler.timesteps()) {
                    NDArray modelOutput = switch (prediction) {
                        case EPSILON -> eps;
                        case SAMPLE -> x0;
                        case V_PREDICTION -> eps.mul((float) Math.sqrt(ac[(int) t]))
                                .sub(x0.mul((float) Math.sqrt(1 - ac[(int) t])));
                    };
                    sample = scheduler.step(modelOutput, t, sample).prevSample();
                }
                float err = sample.sub(x0).abs().max().getFloat();
                assertThat(err).as("%s %s", type, prediction).isLessThan(type == SchedulerType.DDIM ? 2e-3f : 1e-3f);
            }
        }
    }

    /** With the same model output for both directions, a DDIM inversion step and a DDIM step undo each other. */
    @Test
    void ddimInversionIsExactlyUndoneBySampling() throws IOException {
        DdimScheduler ddim = (DdimScheduler) sd(SchedulerType.DDIM).create();
        ddim.setTimesteps(10);
        long[] ts = ddim.timesteps();
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            NDArray x0 = m.randomNormal(new Shape(1, 4, 8, 8));
            NDArray[] eps = new NDArray[ts.length];
            NDArray x = x0;
            for (int i = ts.length - 1; i >= 0; i--) {
                eps[i] = m.randomNormal(x0.getShape());
                x = ddim.inverseStep(eps[i], ts[i], x).prevSample();
            }
            for (int i = 0; i < ts.length; i++) {
                x = ddim.step(eps[i], ts[i], x).prevSample();
            }
            assertThat(x.sub(x0).abs().max().getFloat()).isLessThan(1e-3f);
        }
    }

    @Test
    void eulerScalesModelInputAndMovesAlongTheOde() throws IOException {
        EulerDiscreteScheduler euler = (EulerDiscreteScheduler) sd(SchedulerType.EULER).create();
        euler.setTimesteps(10);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.ones(new Shape(1, 1, 2, 2)).mul(3f);
            long t = euler.timesteps()[0];
            float sigma = euler.sigmas()[0];
            assertThat(euler.scaleModelInput(x, t).getFloat(0, 0, 0, 0))
                    .isCloseTo(3f / (float) Math.sqrt(sigma * sigma + 1), within(1e-5f));
            // epsilon output 0 means x0 = x, so the Euler step leaves x unchanged
            assertThat(euler.step(m.zeros(x.getShape()), t, x).prevSample().getFloat(0, 0, 0, 0))
                    .isCloseTo(3f, within(1e-6f));
        }
    }

    @Test
    void ddpmStepAddsPosteriorVarianceNoise() throws IOException {
        DdpmScheduler ddpm = (DdpmScheduler) sd(SchedulerType.DDPM).create();
        ddpm.setTimesteps(1000);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray sample = m.ones(new Shape(1, 1, 1, 4));
            NDArray eps = m.zeros(sample.getShape());
            NDArray z = m.ones(sample.getShape());
            float noiseless = ddpm.step(eps, 500, sample, m.zeros(sample.getShape())).prevSample().getFloat(0, 0, 0, 0);
            float noisy = ddpm.step(eps, 500, sample, z).prevSample().getFloat(0, 0, 0, 0);
            assertThat(noisy - noiseless).isCloseTo((float) Math.sqrt(ddpm.variance(500)), within(1e-6f));
            float[] betas = ddpm.schedule().betas();
            float[] ac = ddpm.schedule().alphasCumprod();
            assertThat(ddpm.variance(500)).isCloseTo((1 - ac[499]) / (1 - ac[500]) * betas[500], within(1e-7f));
            // t = 0 adds no noise
            assertThat(ddpm.step(eps, 0, sample, z).prevSample().sub(ddpm.step(eps, 0, sample, eps).prevSample())
                    .abs().max().getFloat()).isZero();
        }
    }

    @Test
    void configNamesAndErrors() throws IOException {
        assertThat(SchedulerType.parse("dpm++")).isEqualTo(SchedulerType.DPM_SOLVER_MULTISTEP);
        assertThat(SchedulerType.parse("PNDMScheduler")).isEqualTo(SchedulerType.DDIM);
        assertThat(SchedulerType.parse("euler")).isEqualTo(SchedulerType.EULER);
        assertThatThrownBy(() -> SchedulerType.parse("FancyScheduler")).hasMessageContaining("FancyScheduler");
        SchedulerConfig ddim = SchedulerParityTest.tinySdConfig();
        assertThat(ddim.type()).isEqualTo(SchedulerType.DDIM);
        assertThat(ddim.stepsOffset()).isEqualTo(1);
        assertThat(ddim.withType(SchedulerType.EULER).create()).isInstanceOf(EulerDiscreteScheduler.class);
        assertThat(ddim.withType(SchedulerType.EULER).timestepSpacing()).isEqualTo(TimestepSpacing.LEADING);
        Scheduler s = ddim.create();
        assertThatThrownBy(() -> s.setTimesteps(0)).hasMessageContaining("inference steps");
        s.setTimesteps(10);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 4, 2, 2));
            assertThatThrownBy(() -> s.addNoise(x, x, m.create(new long[] {1000})))
                    .hasMessageContaining("timestep 1000");
        }
        ObjectNode bad = new ObjectMapper().createObjectNode().put("prediction_type", "noise");
        assertThatThrownBy(() -> SchedulerConfig.parse(bad)).hasMessageContaining("prediction_type 'noise'");
    }
}
