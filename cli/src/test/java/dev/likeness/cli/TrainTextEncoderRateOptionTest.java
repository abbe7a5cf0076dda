package dev.likeness.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.method.svdiff.SpectralShifts;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code likeness train --train-text-encoder --text-encoder-lr R}, in-process on tiny-sd. */
class TrainTextEncoderRateOptionTest {

    @Test
    void svdiffTextEncoderShiftsTrainAtTheGivenRate(@TempDir Path tmp) throws IOException {
        Path output = tmp.resolve("out");
        assertThat(train(tmp, output, "svdiff", "--lr", "1e-2", "--train-text-encoder", "--text-encoder-lr", "1e-4"))
                .isZero();
        try (SafeTensorsFile te = SafeTensorsFile.open(output.resolve(SpectralShifts.TEXT_ENCODER_FILE))) {
            assertThat(te.metadata()).containsEntry("likeness.lr.text_encoder.spectral", "1.0E-4")
                    .containsEntry("likeness.lr.spectral", "0.01");
        }
    }

    @Test
    void aRateForAFrozenTextEncoderIsRefused(@TempDir Path tmp) throws IOException {
        Path output = tmp.resolve("out");
        assertThat(train(tmp, output, "dreambooth", "--text-encoder-lr", "1e-4")).isNotZero();
        assertThat(Files.exists(output)).isFalse();
    }

    /** One step of {@code method} on tiny-sd at 32 px with two drawn photos, plus {@code extra} options. */
    private static int train(Path tmp, Path output, String method, String... extra) throws IOException {
        Path images = TrainCutMixCommandTest.subject(tmp.resolve("images"), Color.ORANGE);
        List<String> args = new ArrayList<>(List.of("train", "--method", method, "--model",
                Golden.path("tiny-sd").toString(), "--images", images.toString(), "--instance-prompt",
                "a photo of {id} dog", "--steps", "1", "--resolution", "32", "--output", output.toString()));
        args.addAll(List.of(extra));
        return LikenessCli.run(args.toArray(String[]::new));
    }
}
