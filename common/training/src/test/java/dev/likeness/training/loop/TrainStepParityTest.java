package dev.likeness.training.loop;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.nn.Parameter;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.TrainingModel;
import dev.likeness.training.TrainingModels;
import dev.likeness.training.method.dreambooth.DreamBooth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One DreamBooth step with prior preservation on tiny-sd's UNet against diffusers/torch
 * ({@code golden/train_step.safetensors}): loss, gradients, global-norm clipping + AdamW, loss after the step.
 */
class TrainStepParityTest {

    private static final List<String> NAMED = List.of("conv_in.weight", "time_embedding.linear_1.weight",
            "down_blocks.0.resnets.0.conv1.weight",
            "down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q.weight",
            "down_blocks.1.attentions.0.transformer_blocks.0.attn2.to_k.weight",
            "mid_block.attentions.0.proj_in.weight",
            "up_blocks.0.attentions.2.transformer_blocks.0.ff.net.0.proj.weight", "conv_out.weight",
            "conv_out.bias");

    private static NDManager manager;
    private static SafeTensorsFile golden;

    @BeforeAll
    static void open() throws Exception {
        manager = NDManager.newBaseManager();
        golden = SafeTensorsFile.open(Path.of(TrainStepParityTest.class.getResource("/golden/train_step.safetensors")
                .toURI()));
    }

    @AfterAll
    static void close() throws Exception {
        golden.close();
        manager.close();
    }

    private static NDArray g(String name, NDManager m) {
        return golden.load(name, m);
    }

    private static TrainingConfig config() {
        return TrainingConfig.builder("dreambooth")
                .instancePrompt("a photo of sks dog").classPrompt("a photo of dog").numClassImages(1)
                .priorLossWeight(1f).learningRate(5e-6f).weightDecay(1e-2f).adamEpsilon(1e-8f).maxGradNorm(1f)
                .resolution(64).maxSteps(1).methodOption(DreamBooth.OPTION_IDENTIFIER, "sks").build();
    }

    private static TrainingBatch batch(NDManager m) {
        return new TrainingBatch(g("latents", m), g("noise", m), g("timesteps", m), g("encoder_hidden_states", m),
                null, 1);
    }

    private static float relative(NDArray actual, NDArray expected) {
        float maxDiff = actual.sub(expected).abs().max().getFloat();
        float maxRef = expected.abs().max().getFloat();
        return maxDiff / maxRef;
    }

    @Test
    void lossAndGradientsMatchTorch() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            model.unet().setTrainable(true);
            DiffusionObjective objective = new DiffusionObjective(model.noiseSchedule(), null, 1f, null);
            TrainingBatch batch = batch(m);
            NDArray noisy = objective.addNoise(batch.latents(), batch.noise(), batch.timesteps());
            assertThat(noisy.sub(g("noisy_latents", m)).abs().max().getFloat()).isLessThanOrEqualTo(1e-6f);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                LossTerms terms = objective.loss(model, batch, batch.encoderHiddenStates());
                assertThat(relative(terms.prediction(), g("model_pred", m))).isLessThanOrEqualTo(1e-4f);
                float loss = terms.total().getFloat();
                assertThat(Math.abs(loss - 2.19831157f) / 2.19831157f).isLessThanOrEqualTo(1e-5f);
                assertThat(Math.abs(terms.instanceLoss() - g("instance_loss", m).getFloat()))
                        .isLessThanOrEqualTo(2e-5f);
                assertThat(Math.abs(terms.priorLoss() - g("prior_loss", m).getFloat())).isLessThanOrEqualTo(2e-5f);
                c.backward(terms.total());
            }
            Map<String, Parameter> params = model.unet().namedParameters();
            for (String name : NAMED) {
                try (NDArray grad = params.get(name).array().getGradient()) {
                    float rel = relative(grad, g("grad." + name, m));
                    System.out.printf("grad %-75s rel %.2e%n", name, rel);
                    assertThat(rel).as("gradient of %s", name).isLessThanOrEqualTo(1e-4f);
                }
            }
        }
    }

    @Test
    void clippedAdamWStepMatchesTorch() throws Exception {
        try (NDManager m = manager.newSubManager()) {
            TrainingModel model = TrainingModels.load(Golden.path("tiny-sd"), m);
            Map<String, Parameter> params = model.unet().namedParameters();
            for (String name : NAMED) {
                assertThat(params.get(name).array().sub(g("weight_before." + name, m)).abs().max().getFloat())
                        .as("weights before of %s", name).isZero();
            }
            try (Trainer trainer = new Trainer(model, new DreamBooth(), config(), m)) {
                Trainer.StepOutcome out = trainer.step(batch(m), null);
                float refNorm = g("total_grad_norm_preclip", m).getFloat();
                System.out.printf("loss %.8f grad norm %.7f (torch %.7f)%n", out.loss(), out.gradNorm(), refNorm);
                assertThat(Math.abs(out.gradNorm() - refNorm) / refNorm).isLessThanOrEqualTo(1e-5f);
                float worst = 0;
                for (String name : NAMED) {
                    float d = params.get(name).array().sub(g("weight_after." + name, m)).abs().max().getFloat();
                    worst = Math.max(worst, d);
                    assertThat(d).as("weights after AdamW of %s", name).isLessThanOrEqualTo(1e-6f);
                }
                System.out.printf("max |weight_after - torch| = %.2e%n", worst);
                // loss after the step on the same batch
                TrainingBatch b = batch(m);
                LossTerms after = trainer.objective().loss(model, b, b.encoderHiddenStates());
                float ref = g("loss_after_step", m).getFloat();
                System.out.printf("loss after %.8f (torch %.8f)%n", after.total().getFloat(), ref);
                assertThat(Math.abs(after.total().getFloat() - ref) / ref).isLessThanOrEqualTo(1e-5f);
            }
        }
    }
}
