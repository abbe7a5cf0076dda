package dev.likeness.world.dataset;

import dev.likeness.world.image.ContactSheet;
import dev.likeness.world.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes contact sheets of both sizes to target/world-sheets for a human to look at, with their captions. */
class ContactSheetExportTest {

    @Test
    void writesContactSheetsWithCaptions() throws Exception {
        Path dir = Path.of("target", "world-sheets");
        Files.createDirectories(dir);
        for (int size : new int[] {32, 64}) {
            WorldDataset ds = new WorldDataset(WorldConfig.defaults().withImageSize(size), Split.TRAIN);
            List<RgbImage> images = new ArrayList<>();
            List<String> captions = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                WorldSample s = ds.sample(i);
                images.add(s.image());
                captions.add(i + ": " + s.caption());
            }
            RgbImage sheet = ContactSheet.of(images, 6, 256 / size, 4);
            sheet.writePng(dir.resolve("train-" + size + ".png"));
            Files.write(dir.resolve("train-" + size + ".txt"), captions);
            assertThat(sheet.width()).isEqualTo(6 * (256 + 4) + 4);
            // tile 7 (row 1, column 1) shows sample 7, each pixel scaled up
            int scale = 256 / size;
            int ox = 4 + 260;
            int oy = 4 + 260;
            for (int y = 0; y < size; y += 5) {
                for (int x = 0; x < size; x += 5) {
                    assertThat(sheet.pixel(ox + x * scale + scale - 1, oy + y * scale)).isEqualTo(images.get(7)
                            .pixel(x, y));
                }
            }
        }
    }
}
