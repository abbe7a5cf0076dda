package dev.likeness.cli;

import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code likeness train --method svdiff --cut-mix-images …} in-process on tiny-sd. */
class TrainCutMixCommandTest {

    /** Two 32 px photos of a disc in {@code disc} on blue, written to {@code folder} (other train tests use it). */
    static Path subject(Path folder, Color disc) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < 2; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(60, 100 + 20 * i, 170));
            g.fillRect(0, 0, 32, 32);
            g.setColor(disc);
            g.fillOval(8 + i, 8, 16, 16);
            g.dispose();
            ImageIO.write(img, "png", folder.resolve("img" + i + ".png").toFile());
        }
        return folder;
    }

    @Test
    void trainsTwoSubjectsWithPriorsAndLogsTheUnmixTerm(@TempDir Path tmp) throws IOException {
        Path dogs = subject(tmp.resolve("dogs"), Color.ORANGE);
        Path sculptures = subject(tmp.resolve("sculptures"), Color.GRAY);
        Path dogClass = subject(tmp.resolve("dog-class"), Color.YELLOW);
        Path sculptureClass = subject(tmp.resolve("sculpture-class"), Color.DARK_GRAY);
        Path output = tmp.resolve("out");
        CapturedOutput run = CapturedOutput.stdout(() -> LikenessCli.run("train", "--method", "svdiff", "--model",
                Golden.path("tiny-sd").toString(), "--images", dogs.toString(), "--instance-prompt",
                "a photo of {id} dog", "--class-noun", "dog",
                "--cut-mix-images", sculptures.toString(), "--cut-mix-class-noun", "sculpture",
                "--class-images", dogClass.toString(), "--cut-mix-class-images", sculptureClass.toString(),
                "--cut-mix-probability", "1", "--unmix-weight", "0.5", "--steps", "2", "--resolution", "32",
                "--output", output.toString()));
        String log = run.text();
        System.out.print(log);
        assertThat(run.exitCode()).isZero();
        assertThat(log).contains("Cut-Mix-Unmix").containsPattern("step 2/2  loss [0-9.]+  unmix [1-9]");
        try (SafeTensorsFile f = SafeTensorsFile.open(output.resolve("spectral_shifts.safetensors"))) {
            assertThat(f.names()).isNotEmpty();
        }
        // the option is checked: cut-mix is for SVDiff only
        assertThat(LikenessCli.run("train", "--method", "lora", "--model", Golden.path("tiny-sd").toString(),
                "--images", dogs.toString(), "--instance-prompt", "a photo of {id} dog", "--class-noun", "dog",
                "--cut-mix-images", sculptures.toString(), "--cut-mix-class-noun", "sculpture", "--steps", "1",
                "--output", tmp.resolve("x").toString())).isNotZero();
    }
}
