package dev.likeness.cli;

import dev.likeness.engine.io.SafeTensorsFile;
import dev.likeness.engine.testing.Golden;
import dev.likeness.training.TrainingConfig.StatePrecision;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code likeness train --optimizer-state fp32|fp16|int8} (and the older {@code --fp16-optimizer-state}). */
class TrainOptimizerStateOptionTest {

    @Test
    void parsesTheOptionAndItsAlias() {
        assertThat(TrainCommand.optimizerStatePrecision(null, false)).isEqualTo(StatePrecision.FLOAT32);
        assertThat(TrainCommand.optimizerStatePrecision(null, true)).isEqualTo(StatePrecision.FLOAT16);
        assertThat(TrainCommand.optimizerStatePrecision("fp16", true)).isEqualTo(StatePrecision.FLOAT16);
        assertThat(TrainCommand.optimizerStatePrecision("int8", false)).isEqualTo(StatePrecision.INT8_BLOCKWISE);
        assertThatThrownBy(() -> TrainCommand.optimizerStatePrecision("int4", false))
                .hasMessageContaining("fp32, fp16 or int8");
        assertThatThrownBy(() -> TrainCommand.optimizerStatePrecision("int8", true))
                .hasMessageContaining("contradicts");
    }

    @Test
    void trainsWithEightBitStateAndCheckpointsItsCodes(@TempDir Path tmp) throws IOException {
        Path images = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < 2; i++) {
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(40, 90 + 30 * i, 160));
            g.fillRect(0, 0, 32, 32);
            g.setColor(Color.ORANGE);
            g.fillOval(8 + i, 8, 16, 16);
            g.dispose();
            ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
        }
        Path output = tmp.resolve("out");
        int rc = LikenessCli.run("train", "--method", "dreambooth", "--model", Golden.path("tiny-sd").toString(),
                "--images", images.toString(), "--instance-prompt", "a photo of {id} dog", "--steps", "2",
                "--resolution", "32", "--lr", "1e-4", "--optimizer-state", "int8", "--checkpoint-every", "2",
                "--output", output.toString());
        assertThat(rc).isZero();
        Path optimizer = output.resolve("checkpoints/checkpoint-2/optimizer.safetensors");
        try (SafeTensorsFile f = SafeTensorsFile.open(optimizer)) {
            assertThat(f.names()).anyMatch(n -> n.startsWith("exp_avg_q8.")).noneMatch(n -> n.startsWith("exp_avg."));
            String first = f.names().stream().filter(n -> n.startsWith("exp_avg_q8.")).findFirst().orElseThrow();
            assertThat(f.info(first).dtype()).isEqualTo("I8");
            String sq = f.names().stream().filter(n -> n.startsWith("exp_avg_sq_q8.")).findFirst().orElseThrow();
            assertThat(f.info(sq).dtype()).isEqualTo("U8");
        }
    }
}
