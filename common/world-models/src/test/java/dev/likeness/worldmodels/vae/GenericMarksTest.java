package dev.likeness.worldmodels.vae;

import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.image.RgbImage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenericMarksTest {

    private static final WorldDataset TRAIN = new WorldDataset(WorldConfig.defaults().withImageSize(32), Split.TRAIN);

    @Test
    void marksAreDeterministicAndPaintedWhereTheMaskSays() {
        RgbImage background = TRAIN.background(3);
        GenericMarks.Marked a = GenericMarks.paint(background, 42);
        assertThat(GenericMarks.paint(background, 42).rgb()).isEqualTo(a.rgb());
        assertThat(GenericMarks.paint(background, 43).rgb()).isNotEqualTo(a.rgb());

        double insideDiff = 0;
        double outsideDiff = 0;
        int inside = 0;
        int outside = 0;
        byte[] bg = background.rgb();
        for (long seed = 0; seed < 20; seed++) {
            GenericMarks.Marked m = GenericMarks.paint(background, seed);
            assertThat(m.rgb()).hasSize(32 * 32 * 3);
            assertThat(m.mask()).hasSize(32 * 32);
            for (int p = 0; p < 32 * 32; p++) {
                int d = 0;
                for (int c = 0; c < 3; c++) {
                    d += Math.abs((m.rgb()[p * 3 + c] & 0xff) - (bg[p * 3 + c] & 0xff));
                }
                if (m.mask()[p] == 1) {
                    insideDiff += d;
                    inside++;
                } else {
                    outsideDiff += d;
                    outside++;
                }
            }
        }
        // marks cover some but not most of the picture, and change it there (random colours: on average a lot)
        assertThat(inside).isBetween(20 * 5, 20 * 32 * 32 / 2);
        assertThat(insideDiff / inside).isGreaterThan(60);
        // outside the mask only antialiased edges differ from the background
        assertThat(outsideDiff / outside).isLessThan(10);
    }

    @Test
    void poolMixesTheRequestedShareOfGenericImages() {
        ImagePool mixed = new ImagePool(TRAIN, 400, 0.3, 7);
        int generic = 0;
        for (int i = 0; i < mixed.size(); i++) {
            if (mixed.isGeneric(i)) {
                generic++;
            }
        }
        assertThat(generic).isBetween(90, 150);
        int first = 0;
        while (!mixed.isGeneric(first)) {
            first++;
        }
        // a generic pool image is the sample's background with marks, and its mask is the marks'
        byte[] rgb = mixed.rgb(first);
        assertThat(rgb).isNotEqualTo(TRAIN.sample(first).image().rgb());
        assertThat(mixed.objectMask(first)).contains((byte) 1);

        ImagePool plain = new ImagePool(TRAIN, 50);
        for (int i = 0; i < plain.size(); i++) {
            assertThat(plain.isGeneric(i)).isFalse();
        }
        // a world image's mask is the dataset's, computed from the pool's own copy of the image
        for (int i = 0; i < 5; i++) {
            assertThat(plain.objectMask(i)).isEqualTo(TRAIN.objectMask(i, ImagePool.OBJECT_THRESHOLD));
        }
        assertThatThrownBy(() -> new ImagePool(TRAIN, 10, 1.5, 7)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("generic-marks");
    }
}
