package dev.likeness.cli.demo;

import dev.likeness.world.subject.Subject;
import dev.likeness.worldmodels.WorldModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The main job's inputs: world prompts as job templates, photos and model folders on disk, the printed lines. */
class DemoInputsTest {

    @Test
    void worldPromptsAreJobTemplatesOnePerBackground() {
        List<String> prompts = DemoInputs.worldEvalPrompts(Subject.SPIRAL_VASE, 8);
        assertThat(prompts).hasSize(8).doesNotHaveDuplicates()
                .allSatisfy(p -> assertThat(p).startsWith("a {identifier} {classNoun} ").doesNotContain("vase"));
        assertThat(prompts).contains("a {identifier} {classNoun} on grass, at the top left",
                "a {identifier} {classNoun} on snow, at the bottom");
        // the class version of a template is a plain world caption prefix
        assertThat(prompts.get(0).replace("{identifier} ", "").replace("{classNoun}", "vase"))
                .isEqualTo("a vase on grass, at the top left");
        assertThat(DemoInputs.worldEvalPrompts(Subject.SMILING_STAR, 2)).hasSize(2);
    }

    @Test
    void worldInputsFromAModelsFolderAndTheBundledPhotos(@TempDir Path tmp) throws IOException {
        Path models = tmp.resolve("models");
        for (String name : WorldModels.NAMES) {
            Files.createDirectories(models.resolve(name).resolve("sub"));
            Files.writeString(models.resolve(name).resolve("config.json"), "{\"name\": \"" + name + "\"}");
            Files.writeString(models.resolve(name).resolve("sub").resolve("f.txt"), name);
        }
        Path dir = tmp.resolve("demo");
        DemoInputs in = DemoInputs.world(dir, Subject.SPIRAL_VASE, 3, models);

        assertThat(in.model()).isEqualTo(dir.resolve("world-sd"));
        assertThat(Files.readString(in.clip().resolve("sub").resolve("f.txt"))).isEqualTo("world-clip");
        assertThat(in.dino().resolve("config.json")).exists();
        assertThat(in.images()).isEqualTo(dir.resolve("subject").resolve("spiral-vase"));
        try (var files = Files.list(in.images())) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .containsExactly("00.png", "01.png", "02.png", "03.png", "04.png");
        }
        // one caption per photo, as job templates, naming where each photo puts the subject
        assertThat(in.captions()).isEqualTo(dir.resolve("subject").resolve("spiral-vase.captions.txt"));
        List<String> captions = Files.readAllLines(in.captions());
        assertThat(captions).hasSize(5).allSatisfy(c -> assertThat(c).startsWith("a {identifier} {classNoun} "));
        assertThat(captions.get(0)).endsWith(", in the center");
        assertThat(captions.get(1)).endsWith(", at the top left");
        assertThat(captions.get(3)).endsWith(", at the top right");
        assertThat(in.classNoun()).isEqualTo("vase");
        assertThat(in.classPrompt()).isEqualTo("a photo of a vase");
        assertThat(in.evalPrompts()).hasSize(3);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        in.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).contains("class-noun vase", "class-prompt a photo of a vase",
                "instance-prompt a photo of {identifier} {classNoun}",
                "eval-prompt a {identifier} {classNoun} on grass, at the top left",
                "model " + dir.resolve("world-sd").toAbsolutePath(),
                "images " + in.images().toAbsolutePath() + " (5 PNGs)",
                "captions " + in.captions().toAbsolutePath());
    }

    @Test
    void badInputIsNamed(@TempDir Path tmp) {
        assertThatThrownBy(() -> DemoInputs.world(tmp, Subject.SPIRAL_VASE, 9, tmp))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("evalPrompts");
        assertThatThrownBy(() -> DemoInputs.world(tmp.resolve("d"), Subject.SPIRAL_VASE, 2, tmp.resolve("none")))
                .isInstanceOf(IOException.class).hasMessageContaining("world-sd");
    }
}
