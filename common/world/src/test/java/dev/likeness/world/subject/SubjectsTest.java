package dev.likeness.world.subject;

import dev.likeness.world.dataset.Split;
import dev.likeness.world.dataset.WorldConfig;
import dev.likeness.world.dataset.WorldDataset;
import dev.likeness.world.image.ContactSheet;
import dev.likeness.world.image.RgbImage;
import dev.likeness.world.scene.Accessory;
import dev.likeness.world.scene.Captions;
import dev.likeness.world.scene.Colour;
import dev.likeness.world.scene.Horizontal;
import dev.likeness.world.scene.ObjectAttributes;
import dev.likeness.world.scene.Pattern;
import dev.likeness.world.scene.SceneAttributes;
import dev.likeness.world.scene.Vertical;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectsTest {

    @Test
    void noBaseSampleHasASubjectsPatternColourOrAccessory() {
        Set<Pattern> subjectPatterns = EnumSet.noneOf(Pattern.class);
        for (Subject s : Subject.values()) {
            assertThat(s.pattern().subjectOnly()).as(s + " pattern").isTrue();
            assertThat(s.colour().subjectOnly() || s.accessory() != Accessory.NONE).as(s + " extra feature").isTrue();
            assertThat(subjectPatterns.add(s.pattern())).as("pattern shared by two subjects").isTrue();
        }
        WorldDataset all = new WorldDataset(WorldConfig.defaults(), Split.ALL);
        Set<Pattern> seen = EnumSet.noneOf(Pattern.class);
        for (long i = 0; i < 10_000; i++) {
            SceneAttributes a = all.scene(i).attributes();
            List<ObjectAttributes> objects = new ArrayList<>(List.of(a.primary()));
            a.secondObject().ifPresent(objects::add);
            for (ObjectAttributes o : objects) {
                assertThat(o.pattern()).isNotIn(subjectPatterns);
                assertThat(o.colour().subjectOnly()).isFalse();
                assertThat(o.accessory()).isEqualTo(Accessory.NONE);
                seen.add(o.pattern());
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(Pattern.base());
        assertThat(Colour.base()).noneMatch(Colour::subjectOnly).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void photosAreDeterministicAndVaried() throws Exception {
        List<RgbImage> sheet = new ArrayList<>();
        for (Subject s : Subject.values()) {
            List<SubjectPhoto> photos = SubjectPhotos.generate(s, 64);
            List<SubjectPhoto> again = SubjectPhotos.generate(s, 64);
            assertThat(photos).hasSize(SubjectPhotos.COUNT);
            Set<Object> backgrounds = new HashSet<>();
            Set<Object> poses = new HashSet<>();
            for (int i = 0; i < photos.size(); i++) {
                SubjectPhoto p = photos.get(i);
                assertThat(p.image()).isEqualTo(again.get(i).image());
                assertThat(p.attributes().primary().pattern()).isEqualTo(s.pattern());
                assertThat(p.caption("sks")).startsWith("a sks " + s.classNoun() + " ");
                assertThat(p.caption("")).startsWith("a " + s.classNoun() + " ");
                backgrounds.add(p.attributes().background());
                // close-ups near the centre, and placed photos smaller, at their place; in varied poses
                var place = p.layout().primary();
                SubjectPhotos.Place cell = SubjectPhotos.PLACES[i];
                boolean closeUp = cell.horizontal() == Horizontal.CENTER && cell.vertical() == Vertical.MIDDLE;
                assertThat(cell.closeUp()).isEqualTo(closeUp);
                double radius = closeUp ? SubjectPhotos.CLOSE_UP_RADIUS : SubjectPhotos.PLACED_RADIUS;
                assertThat(Math.abs(place.radius() - radius)).isLessThanOrEqualTo(SubjectPhotos.RADIUS_JITTER);
                Horizontal h = cell.horizontal();
                Vertical v = cell.vertical();
                double x = 0.5 + (h == Horizontal.LEFT ? -1 : h == Horizontal.RIGHT ? 1 : 0)
                        * SubjectPhotos.PLACED_OFFSET;
                double y = 0.5 + (v == Vertical.TOP ? -1 : v == Vertical.BOTTOM ? 1 : 0) * SubjectPhotos.PLACED_OFFSET;
                assertThat(Math.abs(place.x() - x)).isLessThanOrEqualTo(SubjectPhotos.CENTRE_JITTER);
                assertThat(Math.abs(place.y() - y)).isLessThanOrEqualTo(SubjectPhotos.CENTRE_JITTER);
                // the caption names the cell the subject's centre lies in
                assertThat(p.attributes().primary().horizontal()).isEqualTo(h);
                assertThat(p.attributes().primary().vertical()).isEqualTo(v);
                assertThat(p.caption("sks")).endsWith(closeUp ? ", in the center"
                        : ", at the " + v.word() + " " + h.word());
                poses.add(Math.round(place.rotation() * 10) + "/" + place.mirrored());
                for (int j = 0; j < i; j++) {
                    assertThat(p.image().meanAbsDifference(photos.get(j).image())).as(s + " photos " + j + ", " + i)
                            .isGreaterThan(20);
                }
                sheet.add(p.image());
            }
            assertThat(backgrounds).hasSize(SubjectPhotos.COUNT);
            assertThat(photos).filteredOn(p -> SubjectPhotos.PLACES[p.index()].closeUp()).hasSize(3);
            // the captions without rendering are the photos' own
            assertThat(SubjectPhotos.captions(s, "sks"))
                    .isEqualTo(photos.stream().map(p -> p.caption("sks")).toList());
            assertThat(poses.size()).isGreaterThanOrEqualTo(4);
            assertThat(s.instancePrompt("sks")).isEqualTo("a photo of sks " + s.classNoun());
        }
        Path dir = Path.of("target", "world-sheets");
        Files.createDirectories(dir);
        ContactSheet.of(sheet, SubjectPhotos.COUNT, 4, 4).writePng(dir.resolve("subjects-64.png"));
        assertThatThrownBy(() -> SubjectPhotos.generate(Subject.SPIRAL_VASE, 64, 0)).hasMessageContaining("count");
        assertThatThrownBy(() -> Subject.ofId("teapot")).hasMessageContaining("teapot");
    }

    @Test
    void bundledPhotosMatchTheGenerator() throws Exception {
        for (Subject s : Subject.values()) {
            List<RgbImage> bundled = SubjectBundle.load(s);
            List<SubjectPhoto> fresh = SubjectPhotos.generate(s, SubjectBundle.SIZE);
            for (int i = 0; i < bundled.size(); i++) {
                // exact on the JDK that wrote them; a tolerance keeps other JDKs' rasterizers (Marlin versions) in
                double diff = bundled.get(i).meanAbsDifference(fresh.get(i).image());
                assertThat(diff).as(s.id() + " photo " + i).isLessThan(1.0);
            }
            try (InputStream meta = SubjectBundle.class.getClassLoader()
                    .getResourceAsStream("dev/likeness/world/subjects/" + s.id() + "/subject.json")) {
                assertThat(meta).as(s.id() + "/subject.json").isNotNull();
                assertThat(new String(meta.readAllBytes())).contains("\"class\" : \"" + s.classNoun() + "\"");
            }
        }
    }

    @Test
    void evaluationPromptsCoverEveryBackgroundInTheWorldGrammar() {
        List<String> prompts = SubjectPrompts.recontextualisations(Subject.SPIRAL_VASE, "sks", 3);
        assertThat(prompts).hasSize(24).doesNotHaveDuplicates().allMatch(p -> p.startsWith("a sks vase "));
        assertThat(prompts.get(0)).isEqualTo("a sks vase on grass, at the top left");
        List<String> classPrompts = SubjectPrompts.recontextualisations(Subject.SPIRAL_VASE, "", 3);
        assertThat(classPrompts.get(0)).isEqualTo("a vase on grass, at the top left");
        // the scene without the place: the text the position clause follows
        assertThat(Captions.withoutPosition(classPrompts.get(0))).isEqualTo("a vase on grass");
        assertThat(classPrompts).allSatisfy(p -> assertThat(p).startsWith(Captions.withoutPosition(p) + ", "));
        assertThat(Captions.withoutPosition("a photo of a vase")).isEqualTo("a photo of a vase");
        assertThatThrownBy(() -> SubjectPrompts.recontextualisations(Subject.SPIRAL_VASE, "sks", 0))
                .hasMessageContaining("perBackground");
    }

    @Test
    void subjectPlacementsStayInsideTheImage() {
        for (Subject s : Subject.values()) {
            for (SubjectPhoto p : SubjectPhotos.generate(s, 32)) {
                var place = p.layout().primary();
                // close-ups lie wholly inside; a placed photo, like a real one, may cut the subject's edge, but by
                // no more than its centre's jitter (about one pixel at 32 px)
                double cut = SubjectPhotos.PLACES[p.index()].closeUp() ? 0 : SubjectPhotos.CENTRE_JITTER;
                assertThat(place.x() - place.radius()).as(s + " photo " + p.index()).isGreaterThan(-cut);
                assertThat(place.x() + place.radius()).as(s + " photo " + p.index()).isLessThan(1 + cut);
                assertThat(place.y() - place.radius()).as(s + " photo " + p.index()).isGreaterThan(-cut);
                assertThat(place.y() + place.radius()).as(s + " photo " + p.index()).isLessThan(1 + cut);
            }
        }
    }
}
