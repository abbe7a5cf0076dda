package dev.likeness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.method.svdiff.SpectralShifts;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code likeness train --train-text-encoder --text-encoder-lr R}, in-process on tiny-sd. */
class TrainTextEncoderRateOptionTest {

    @Test
    void svdiffTextEncoderShiftsTrainAtTheGivenRate(@TempDir Path tmp) throws IOException {
        Path images = TrainCutMixCommandTest.subject(tmp.resolve("images"), Color.ORANGE);
        Path output = tmp.resolve("out");
        int rc = LikenessCli.run("train", "--method", "svdiff", "--model", Golden.path("tiny-sd").toString(),
                "--images", images.toString(), "--instance-prompt", "a photo of {id} dog", "--steps", "1",
                "--resolution", "32", "--lr", "1e-2", "--train-text-encoder", "--text-encoder-lr", "1e-4",
                "--output", output.toString());
        assertThat(rc).isZero();
        try (SafeTensorsFile te = SafeTensorsFile.open(output.resolve(SpectralShifts.TEXT_ENCODER_FILE))) {
            assertThat(te.metadata()).containsEntry("likeness.lr.text_encoder.spectral", "1.0E-4")
                    .containsEntry("likeness.lr.spectral", "0.01");
        }
    }

    @Test
    void aRateForAFrozenTextEncoderIsRefused(@TempDir Path tmp) throws IOException {
        Path images = TrainCutMixCommandTest.subject(tmp.resolve("images"), Color.ORANGE);
        Path output = tmp.resolve("out");
        int rc = LikenessCli.run("train", "--method", "dreambooth", "--model", Golden.path("tiny-sd").toString(),
                "--images", images.toString(), "--instance-prompt", "a photo of {id} dog", "--steps", "1",
                "--resolution", "32", "--text-encoder-lr", "1e-4", "--output", output.toString());
        assertThat(rc).isNotZero();
        assertThat(Files.exists(output)).isFalse();
    }
}
