package dev.likeness.cli.demo;

import dev.likeness.metrics.metric.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The downloaded report folder, the before/after sheet and the metric table. */
class BeforeAfterTest {

    @Test
    void reportFolderGivesPromptsMetricsAndImagesBySeed(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        Files.writeString(dir.resolve("report.json"), """
                {"overall": {"DINO": {"mean": 0.5, "count": 6}, "CLIP-T": {"mean": 0.25, "count": 6},
                             "PRES": {"mean": 0.4, "count": 2}},
                 "perPrompt": [{"index": 0, "prompt": "a sks vase on snow, at the top", "classPrompt": "a vase on snow, at the top"},
                               {"index": 1, "prompt": "a sks vase on sand, on the left", "classPrompt": "a vase on sand, on the left"}]}
                """);
        for (String f : List.of("gen_p0_s0_0.png", "gen_p0_s1_1.png", "gen_p1_s0_2.png", "gen_p1_s1_3.png",
                "real_0.png", "class_0.png")) {
            Files.write(dir.resolve("images").resolve(f), new byte[]{1});
        }
        ReportFolder r = ReportFolder.read(dir);
        assertThat(r.prompts()).extracting(ReportFolder.Prompt::classPrompt)
                .containsExactly("a vase on snow, at the top", "a vase on sand, on the left");
        assertThat(r.seeds()).containsExactly(0L, 1L);
        assertThat(r.generated().get(1).get(1L).getFileName().toString()).isEqualTo("gen_p1_s1_3.png");
        assertThat(r.overall()).containsEntry(Metric.DINO, 0.5).containsEntry(Metric.PRES, 0.4)
                .doesNotContainKey(Metric.CLIP_I);

        assertThatThrownBy(() -> ReportFolder.read(dir.resolve("images")))
                .hasMessageContaining("no report.json");
    }

    @Test
    void sheetPutsBaseLeftTrainedRightSameSeedsSameColumns(@TempDir Path dir) throws IOException {
        BufferedImage red = solid(8, Color.RED);
        BufferedImage blue = solid(8, Color.BLUE);
        BufferedImage photo = solid(16, Color.GREEN);
        BufferedImage sheet = BeforeAfterSheet.compose(List.of(photo, photo),
                List.of(List.of(red, red), List.of(red, red)), List.of(List.of(blue, blue), List.of(blue, blue)), 2);
        // two halves of 2 tiles (16 px + 2 gap) around a 6 px divider, 1 photo row + 2 prompt rows
        assertThat(sheet.getWidth()).isEqualTo(2 + 36 + 6 + 2 + 36);
        assertThat(sheet.getHeight()).isEqualTo(2 + 3 * 18 + 4);
        int rowY = 2 + 18 + 4 + 8;
        assertThat(new Color(sheet.getRGB(10, rowY))).isEqualTo(Color.RED);
        assertThat(new Color(sheet.getRGB(38 + 6 + 2 + 10, rowY))).isEqualTo(Color.BLUE);
        assertThat(new Color(sheet.getRGB(40, rowY)).getRed()).isGreaterThan(200); // the divider
        assertThat(new Color(sheet.getRGB(sheet.getWidth() / 2 - 10, 10)).getGreen()).isGreaterThan(200);
        Path png = dir.resolve("s.png");
        ImageIO.write(sheet, "png", png.toFile());
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(sheet.getWidth());

        assertThatThrownBy(() -> BeforeAfterSheet.compose(List.of(), List.of(List.of(red)), List.of(List.of(blue,
                blue)), 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("row 0");
    }

    @Test
    void tableShowsBothRowsAndTheChange() {
        Map<Metric, Double> base = new EnumMap<>(Metric.class);
        base.put(Metric.DINO, 0.30);
        base.put(Metric.PRES, 0.25);
        Map<Metric, Double> trained = new EnumMap<>(Metric.class);
        trained.put(Metric.DINO, 0.55);
        trained.put(Metric.PRES, 0.28);
        String table = new MetricComparison(base, trained).markdown("after svdiff");
        assertThat(table.lines().toList()).containsExactly(
                "| metric | base model | after svdiff | change |",
                "|---|---|---|---|",
                "| DINO ↑ | 0.300 | 0.550 | +0.250 |",
                "| PRES ↓ | 0.250 | 0.280 | +0.030 |");
    }

    private static BufferedImage solid(int size, Color c) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, c.getRGB());
            }
        }
        return img;
    }
}
