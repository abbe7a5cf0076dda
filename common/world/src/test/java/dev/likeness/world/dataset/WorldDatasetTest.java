package dev.likeness.world.dataset;

import dev.likeness.world.image.RgbImage;
import dev.likeness.world.render.SceneRenderer;
import dev.likeness.world.scene.Background;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.ObjectClass;
import dev.likeness.world.scene.Pattern;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.world.scene.Size;
import dev.likeness.world.scene.Vertical;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorldDatasetTest {

    private static final WorldConfig DEFAULTS = WorldConfig.defaults();

    @Test
    void sameSeedGivesIdenticalBytesAndOtherSeedsDiffer() {
        for (int size : new int[] {32, 64}) {
            WorldDataset a = new WorldDataset(DEFAULTS.withImageSize(size), Split.TRAIN);
            WorldDataset b = new WorldDataset(DEFAULTS.withImageSize(size), Split.TRAIN);
            WorldDataset other = new WorldDataset(DEFAULTS.withImageSize(size).withSeed(7), Split.TRAIN);
            int differing = 0;
            for (long i = 0; i < 6; i++) {
                WorldSample x = a.sample(i);
                WorldSample y = b.sample(i);
                assertThat(x.image().width()).isEqualTo(size);
                assertThat(x.image().height()).isEqualTo(size);
                assertThat(x.image().toPng()).isEqualTo(y.image().toPng());
                assertThat(x.caption()).isEqualTo(y.caption());
                assertThat(x.attributes()).isEqualTo(y.attributes());
                if (!other.sample(i).image().equals(x.image())) {
                    differing++;
                }
            }
            assertThat(differing).isEqualTo(6);
        }
        // random access: sample 5 does not depend on having drawn 0..4 first
        assertThat(WorldDataset.train().sample(5).image()).isEqualTo(new WorldDataset(DEFAULTS, Split.TRAIN)
                .sample(5).image());
    }

    @Test
    void captionsParseBackToTheirAttributes() {
        WorldDataset all = new WorldDataset(DEFAULTS, Split.ALL);
        Set<String> captions = new HashSet<>();
        Set<SceneAttributes> scenes = new HashSet<>();
        for (long i = 0; i < 3000; i++) {
            SceneAttributes a = all.scene(i).attributes();
            String caption = all.caption(i);
            assertThat(CaptionParser.parse(caption)).as(caption).isEqualTo(a);
            captions.add(caption);
            scenes.add(a);
        }
        // the caption is a one-to-one function of the attributes
        assertThat(captions).hasSameSizeAs(scenes);
        assertThat(captions).contains(all.caption(0));
    }

    @Test
    void heldOutCompositionsNeverAppearInTraining() {
        WorldDataset train = WorldDataset.train();
        WorldDataset held = WorldDataset.heldOut();
        HeldOutRule rule = train.heldOutRule();
        Set<String> trainCaptions = new HashSet<>();
        Set<String> trainCompositions = new HashSet<>();
        for (long i = 0; i < 3000; i++) {
            SceneAttributes a = train.scene(i).attributes();
            assertThat(rule.splitOf(a)).isEqualTo(Split.TRAIN);
            trainCaptions.add(train.caption(i));
            trainCompositions.add(a.primary().compositionKey());
            a.secondObject().ifPresent(s -> trainCompositions.add(s.compositionKey()));
        }
        int heldCount = 0;
        for (long i = 0; i < 1000; i++) {
            SceneAttributes a = held.scene(i).attributes();
            assertThat(held.caption(i)).isNotIn(trainCaptions);
            boolean anyHeld = rule.heldOut(a.primary()) || a.secondObject().map(rule::heldOut).orElse(false);
            assertThat(anyHeld).isTrue();
            if (rule.heldOut(a.primary())) {
                assertThat(trainCompositions).doesNotContain(a.primary().compositionKey());
                heldCount++;
            }
        }
        // P(main object held | scene held) = 0.1 / (0.1 + 0.9 · 0.3 · 0.1) ≈ 0.79
        assertThat(heldCount).isBetween(740, 840);
        // about 10% of the 352 compositions are held out, and every class still has training compositions
        int heldOut = 0;
        int total = 0;
        for (ObjectClass c : ObjectClass.values()) {
            int trainForClass = 0;
            for (Colour col : Colour.base()) {
                for (Pattern p : Pattern.base()) {
                    ObjectAttributes o = new ObjectAttributes(c, col, p, Size.SMALL, Horizontal.LEFT, Vertical.TOP,
                            dev.likeness.world.scene.Accessory.NONE);
                    total++;
                    if (rule.heldOut(o)) {
                        heldOut++;
                    } else {
                        trainForClass++;
                    }
                }
            }
            assertThat(trainForClass).isGreaterThan(30);
        }
        assertThat(total).isEqualTo(352);
        assertThat((double) heldOut / total).isBetween(0.05, 0.15);
        assertThat(train.sample(0).split()).isEqualTo(Split.TRAIN);
        assertThat(held.sample(0).split()).isEqualTo(Split.HELD_OUT);
    }

    @Test
    void classesColoursPatternsAndBackgroundsAreBalanced() {
        WorldDataset all = new WorldDataset(DEFAULTS, Split.ALL);
        int n = 8000;
        Map<ObjectClass, Integer> classes = new EnumMap<>(ObjectClass.class);
        Map<Colour, Integer> colours = new EnumMap<>(Colour.class);
        Map<Pattern, Integer> patterns = new EnumMap<>(Pattern.class);
        Map<Background, Integer> backgrounds = new EnumMap<>(Background.class);
        Map<Size, Integer> sizes = new EnumMap<>(Size.class);
        int seconds = 0;
        for (long i = 0; i < n; i++) {
            SceneAttributes a = all.scene(i).attributes();
            classes.merge(a.primary().objectClass(), 1, Integer::sum);
            colours.merge(a.primary().colour(), 1, Integer::sum);
            patterns.merge(a.primary().pattern(), 1, Integer::sum);
            backgrounds.merge(a.background(), 1, Integer::sum);
            sizes.merge(a.primary().size(), 1, Integer::sum);
            seconds += a.secondObject().isPresent() ? 1 : 0;
        }
        assertBalanced(classes, ObjectClass.values().length, n);
        assertBalanced(colours, Colour.base().size(), n);
        assertBalanced(patterns, Pattern.base().size(), n);
        assertBalanced(backgrounds, Background.values().length, n);
        assertBalanced(sizes, Size.values().length, n);
        assertThat((double) seconds / n).isBetween(0.27, 0.33);
    }

    private static void assertBalanced(Map<?, Integer> counts, int categories, int n) {
        assertThat(counts).hasSize(categories);
        double expected = (double) n / categories;
        // 5 standard deviations of a binomial count: fails only when the sampler is biased
        double slack = 5 * Math.sqrt(expected * (1 - 1.0 / categories));
        counts.forEach((k, v) -> assertThat((double) v).as("count of " + k).isBetween(expected - slack,
                expected + slack));
    }

    @Test
    void objectMaskCoversTheCaptionedObject() {
        WorldDataset train = new WorldDataset(DEFAULTS.withImageSize(32), Split.TRAIN);
        int checked = 0;
        for (long i = 0; checked < 20; i++) {
            SceneAttributes a = train.scene(i).attributes();
            if (a.secondObject().isPresent()) {
                continue;
            }
            checked++;
            byte[] mask = train.objectMask(i, 24);
            assertThat(mask).hasSize(32 * 32);
            double sx = 0;
            double sy = 0;
            int area = 0;
            for (int p = 0; p < mask.length; p++) {
                assertThat(mask[p]).isIn((byte) 0, (byte) 1);
                if (mask[p] == 1) {
                    sx += p % 32 + 0.5;
                    sy += p / 32 + 0.5;
                    area++;
                }
            }
            String what = a.toString();
            assertThat(area).as(what).isBetween(4, 32 * 32 / 2);
            assertThat(third(sx / area / 32)).as(what).isEqualTo(a.primary().horizontal().ordinal());
            assertThat(third(sy / area / 32)).as(what).isEqualTo(a.primary().vertical().ordinal());
            // a higher threshold keeps fewer pixels: only antialiased edges and faint patterns drop out
            int strict = 0;
            for (byte b : train.objectMask(i, 200)) {
                strict += b;
            }
            assertThat(strict).as(what).isLessThanOrEqualTo(area);
        }
        assertThatThrownBy(() -> train.objectMask(-1, 24)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void objectsAreDrawnWhereTheCaptionSaysAndInTheirColour() {
        WorldDataset all = new WorldDataset(DEFAULTS, Split.ALL);
        SceneRenderer renderer = new SceneRenderer(64);
        int checked = 0;
        double smallArea = 0;
        double largeArea = 0;
        int smalls = 0;
        int larges = 0;
        for (long i = 0; checked < 40; i++) {
            SceneSampler.Draw d = all.scene(i);
            SceneAttributes a = d.attributes();
            if (a.secondObject().isPresent()) {
                continue;
            }
            checked++;
            RgbImage full = renderer.render(a, d.layout());
            RgbImage background = renderer.renderBackground(a, d.layout());
            double sx = 0;
            double sy = 0;
            int area = 0;
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int diff = 0;
                    for (int c = 0; c < 3; c++) {
                        diff = Math.max(diff, Math.abs(full.channel(x, y, c) - background.channel(x, y, c)));
                    }
                    if (diff > 24) {
                        sx += x + 0.5;
                        sy += y + 0.5;
                        area++;
                    }
                }
            }
            String what = a.toString();
            assertThat(area).as(what).isGreaterThan(30);
            double cx = sx / area / 64;
            double cy = sy / area / 64;
            assertThat(third(cx)).as("horizontal third of " + what).isEqualTo(a.primary().horizontal().ordinal());
            assertThat(third(cy)).as("vertical third of " + what).isEqualTo(a.primary().vertical().ordinal());
            if (a.primary().size() == Size.SMALL) {
                smallArea += area;
                smalls++;
            } else {
                largeArea += area;
                larges++;
            }
        }
        assertThat(largeArea / larges).isGreaterThan(2 * smallArea / smalls);

        // a plain ball's centre is exactly its colour (the shading is transparent there)
        for (Colour colour : Colour.base()) {
            ObjectAttributes ball = new ObjectAttributes(ObjectClass.BALL, colour, Pattern.PLAIN, Size.LARGE,
                    Horizontal.CENTER, Vertical.MIDDLE, dev.likeness.world.scene.Accessory.NONE);
            SceneAttributes scene = new SceneAttributes(Background.SKY, ball, null);
            RgbImage img = renderer.render(scene, new dev.likeness.world.render.SceneLayout(
                    new dev.likeness.world.render.Placement(0.5, 0.5, 0.2, 0, false), null, 1));
            int rgb = colour.rgb();
            for (int c = 0; c < 3; c++) {
                int expected = rgb >> (16 - 8 * c) & 0xFF;
                assertThat(img.channel(32, 32, c)).as(colour + " channel " + c).isCloseTo(expected,
                        org.assertj.core.data.Offset.offset(4));
            }
        }
    }

    /** 0, 1 or 2 for a coordinate in [0, 1): thirds with a margin toward the centre for jittered side objects. */
    private static int third(double v) {
        return v < 0.4 ? 0 : v > 0.6 ? 2 : 1;
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> WorldDataset.train().sample(-1)).hasMessageContaining("index");
        assertThatThrownBy(() -> DEFAULTS.withImageSize(4)).hasMessageContaining("imageSize");
        assertThatThrownBy(() -> new HeldOutRule(1.5)).hasMessageContaining("held-out fraction");
        assertThatThrownBy(() -> Split.ofId("test")).hasMessageContaining("unknown split 'test'");
        assertThatThrownBy(() -> new WorldDataset(new WorldConfig(1, 32, 2, 0.0, 0.3), Split.HELD_OUT).scene(0))
                .hasMessageContaining("no scene of split held-out");
        assertThat(Arrays.stream(Split.values()).map(Split::id)).containsExactly("train", "held-out", "all");
    }
}
