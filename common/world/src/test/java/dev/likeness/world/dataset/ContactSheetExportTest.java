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
        }
    }
}
