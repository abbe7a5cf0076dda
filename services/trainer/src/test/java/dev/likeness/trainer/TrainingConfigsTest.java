package dev.likeness.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.training.TrainingConfig;
import dev.likeness.training.method.svdiff.SvdiffMethod;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a job's learning rates and identifier reach the training library (no broker or store needed). */
class TrainingConfigsTest {

    private static final List<String> IMAGES = List.of("s3://likeness/jobs/j/inputs/0.png");

    private static TrainingConfig config(Method method, HyperParameters hp) {
        PersonalizationJob job = Messages.normalize(PersonalizationJob.of("j", method, "s3://likeness/models/m/",
                IMAGES, "vase").withHyperParameters(hp).withPriorPreservation(PriorPreservation.disabled()));
        return TrainingConfigs.of(job, Path.of("instance"), null);
    }

    private static HyperParameters withTextEncoder(double lr, Double textEncoderLr) {
        HyperParameters d = HyperParameters.defaults().withLearningRate(lr);
        return new HyperParameters(d.steps(), d.learningRate(), null, null, 64, null, null, null, null, null, true,
                textEncoderLr, null, null, null, null, null);
    }

    @Test
    void instanceCaptionsReachTheLibraryWithItsPlaceholders() {
        List<String> images = List.of("s3://likeness/jobs/j/inputs/0.png", "s3://likeness/jobs/j/inputs/1.png");
        PersonalizationJob job = Messages.normalize(PersonalizationJob.of("j", Method.SVDIFF,
                "s3://likeness/models/m/", images, "vase").withIdentifier("sks")
                .withInstanceCaptions(List.of("a {identifier} {classNoun} on grass", "a sks vase at night")));
        assertThat(TrainingConfigs.of(job, Path.of("instance"), null).instanceCaptions())
                .containsExactly("a {id} vase on grass", "a sks vase at night");
        assertThat(config(Method.SVDIFF, HyperParameters.defaults()).instanceCaptions()).isEmpty();
    }

    @Test
    void dreamBoothTextEncoderTakesItsOwnRateOrTheJobsRate() {
        TrainingConfig own = config(Method.DREAMBOOTH, withTextEncoder(2e-4, 5e-5));
        assertThat(own.learningRate()).isEqualTo(2e-4f);
        assertThat(own.textEncoderLearningRate()).isEqualTo(5e-5f);
        assertThat(own.trainTextEncoder()).isTrue();

        TrainingConfig shared = config(Method.DREAMBOOTH, withTextEncoder(2e-4, null));
        assertThat(shared.textEncoderLearningRate()).isEqualTo(2e-4f);
    }

    @Test
    void textualInversionLearnsTheJobsIdentifierAsItsNewToken() {
        PersonalizationJob job = Messages.normalize(PersonalizationJob.of("j", Method.TEXTUAL_INVERSION,
                "s3://likeness/models/m/", IMAGES, "vase").withIdentifier("<my-vase>"));
        assertThat(TrainingConfigs.of(job, Path.of("instance"), null).placeholderToken()).isEqualTo("<my-vase>");
        PersonalizationJob unnamed = Messages.normalize(PersonalizationJob.of("j", Method.TEXTUAL_INVERSION,
                "s3://likeness/models/m/", IMAGES, "vase"));
        assertThat(TrainingConfigs.of(unnamed, Path.of("instance"), null).placeholderToken())
                .isEqualTo(TrainingConfig.builder("textual-inversion").instancePrompt("x").build().placeholderToken());
    }

    @Test
    void svdiffTextEncoderShiftsTakeTheirOwnRateOrTheSpectralRate() {
        TrainingConfig own = config(Method.SVDIFF, withTextEncoder(1e-2, 1e-3));
        assertThat(new SvdiffMethod().groupLearningRates(own))
                .containsEntry(SvdiffMethod.GROUP_SPECTRAL, 1e-2f)
                .containsEntry(SvdiffMethod.GROUP_TEXT_ENCODER_SPECTRAL, 1e-3f);

        TrainingConfig shared = config(Method.SVDIFF, withTextEncoder(1e-2, null));
        assertThat(new SvdiffMethod().groupLearningRates(shared))
                .containsEntry(SvdiffMethod.GROUP_TEXT_ENCODER_SPECTRAL, 1e-2f);
    }
}
