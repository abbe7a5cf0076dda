package dev.likeness.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/** {@code likeness train --captions FILE}: one prompt per instance image, in-process on tiny-sd. */
class TrainCaptionsOptionTest {

    @Test
    void captionsReachTheTraining(@TempDir Path tmp) throws IOException {
        Path images = TrainCutMixCommandTest.subject(tmp.resolve("images"), Color.ORANGE);
        // the instance prompt written out per image trains exactly like the instance prompt itself
        Path same = Files.writeString(tmp.resolve("same.txt"), "a photo of {id} dog\n\na photo of {id} dog\n");
        Path scenes = Files.writeString(tmp.resolve("scenes.txt"), "a {id} dog on a beach\na {id} dog at night\n");

        assertThat(train(images, tmp.resolve("plain"))).isZero();
        assertThat(train(images, tmp.resolve("same"), "--captions", same.toString())).isZero();
        assertThat(train(images, tmp.resolve("scenes"), "--captions", scenes.toString())).isZero();

        byte[] plain = Files.readAllBytes(tmp.resolve("plain").resolve(SpectralShifts.UNET_FILE));
        assertThat(Files.readAllBytes(tmp.resolve("same").resolve(SpectralShifts.UNET_FILE))).isEqualTo(plain);
        assertThat(Files.readAllBytes(tmp.resolve("scenes").resolve(SpectralShifts.UNET_FILE))).isNotEqualTo(plain);
    }

    @Test
    void aCaptionCountThatDiffersFromTheImagesIsRefused(@TempDir Path tmp) throws IOException {
        Path images = TrainCutMixCommandTest.subject(tmp.resolve("images"), Color.ORANGE);
        Path one = Files.writeString(tmp.resolve("one.txt"), "a {id} dog on a beach\n");

        assertThat(train(images, tmp.resolve("out"), "--captions", one.toString())).isNotZero();
        assertThat(train(images, tmp.resolve("out"), "--captions", tmp.resolve("missing.txt").toString()))
                .isNotZero();
        assertThat(tmp.resolve("out")).doesNotExist();
        assertThatThrownBy(() -> CaptionFiles.read(one, 2))
                .hasMessageContaining("has 1 captions but --images has 2 images");
    }

    /** Two SVDiff steps on tiny-sd at 32 px, plus {@code extra} options. */
    private static int train(Path images, Path output, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--method", "svdiff", "--model",
                Golden.path("tiny-sd").toString(), "--images", images.toString(), "--instance-prompt",
                "a photo of {id} dog", "--steps", "2", "--lr", "1e-2", "--resolution", "32", "--seed", "3",
                "--output", output.toString()));
        args.addAll(List.of(extra));
        return LikenessCli.run(args.toArray(String[]::new));
    }
}
