package dev.likeness.worldmodels.base;

import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.SceneAttributes;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class CaptionAugmentationTest {

    private static final int N = 2000;

    private static List<String> draw(long seed) {
        WorldDataset world = WorldDataset.train();
        SplittableRandom r = new SplittableRandom(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            out.add(CaptionAugmentation.defaults().caption(world.scene(i).attributes(), r));
        }
        return out;
    }

    @Test
    void sameSeedSameCaptionsOtherSeedOtherCaptions() {
        assertThat(draw(3)).isEqualTo(draw(3));
        assertThat(draw(3)).isNotEqualTo(draw(4));
    }

    @Test
    void dropsAboutTenPercentAndKeepsFullAndShortCaptions() {
        WorldDataset world = WorldDataset.train();
        List<String> captions = draw(5);
        long empty = captions.stream().filter(String::isEmpty).count();
        assertThat(empty).isBetween((long) (N * 0.07), (long) (N * 0.13));
        long full = 0;
        Set<String> shortForms = new HashSet<>();
        for (int i = 0; i < N; i++) {
            String c = captions.get(i);
            if (c.isEmpty()) {
                continue;
            }
            SceneAttributes scene = world.scene(i).attributes();
            String whole = Captions.caption(scene);
            if (c.equals(whole)) {
                full++;
                continue;
            }
            // a shortened caption names the class and adds no word the full caption does not have
            assertThat(c).contains(scene.primary().objectClass().noun());
            Set<String> allowed = new HashSet<>(Arrays.asList(whole.replace(",", " ,").split(" ")));
            allowed.addAll(List.of("photo", "of", "a", "an"));
            assertThat(allowed).containsAll(Arrays.asList(c.replace(",", " ,").split(" ")));
            shortForms.add(c);
        }
        assertThat(full).isBetween((long) (N * 0.9 * 0.3), (long) (N * 0.9 * 0.5));
        // the personalization-style forms occur: bare class phrase, "a photo of", background without position
        assertThat(shortForms).anyMatch(c -> c.matches("an? \\w+"));
        assertThat(shortForms).anyMatch(c -> c.startsWith("a photo of "));
        assertThat(shortForms).anyMatch(c -> c.matches("an? \\w+ (on|in) [a-z ]+") && !c.contains(","));
    }
}
