package dev.likeness.cli;

import dev.likeness.world.subject.Subject;
import dev.likeness.world.subject.SubjectBundle;
import dev.likeness.world.subject.SubjectPhotos;
import dev.likeness.world.tokenizer.WorldTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code likeness world …} in-process: the cheap WorldTool commands, and usage errors from both tools. */
class WorldCommandTest {

    @Test
    void sheetWritesTheContactSheet(@TempDir Path tmp) throws IOException {
        Path sheet = tmp.resolve("s.png");

        assertThat(LikenessCli.run("world", "sheet", "--out", sheet.toString(), "--count", "8", "--size", "32"))
                .isZero();

        BufferedImage img = ImageIO.read(sheet.toFile());
        assertThat(img).isNotNull();
        // WorldTool's layout: 8 columns, each 32 px tile scaled by 128 / 32 = 4, 4 px gaps around tiles
        int tile = 32 * 4 + 4;
        assertThat(img.getWidth()).isEqualTo(8 * tile + 4);
        assertThat(img.getHeight()).isEqualTo(tile + 4);
    }

    @Test
    void tokenizerWritesVocabAndMerges(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("tok");

        assertThat(LikenessCli.run("world", "tokenizer", "--out", dir.toString())).isZero();

        assertThat(Files.readString(dir.resolve("vocab.json"))).startsWith("{")
                .contains("\"" + WorldTokenizer.EOS + "\"");
        assertThat(Files.readAllLines(dir.resolve("merges.txt"))).hasSizeGreaterThan(1)
                .first().isEqualTo("#version: 0.2");
    }

    @Test
    void subjectsWritesEachSubjectsPhotos(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("subj");

        assertThat(LikenessCli.run("world", "subjects", "--out", dir.toString(), "--size", "32")).isZero();

        for (Subject subject : Subject.values()) {
            Path folder = dir.resolve(subject.id());
            assertThat(folder.resolve("subject.json")).isRegularFile();
            for (int i = 0; i < SubjectPhotos.COUNT; i++) {
                BufferedImage photo = ImageIO.read(folder.resolve(SubjectBundle.fileName(i)).toFile());
                assertThat(photo).as(subject.id() + " photo " + i).isNotNull();
                assertThat(photo.getWidth()).isEqualTo(32);
                assertThat(photo.getHeight()).isEqualTo(32);
            }
        }
    }

    @Test
    void anUnknownCommandListsTheCommandsOfBothTools() {
        StringWriter err = new StringWriter();

        int rc = run(err, "world", "paint");

        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("unknown world command 'paint'")
                .contains("dataset", "subjects", "tokenizer", "sheet", "WorldTool")
                .contains("vae", "base", "clip", "dino", "quality", "WorldModelsTool");
    }

    @Test
    void noCommandListsTheCommands() {
        StringWriter err = new StringWriter();

        assertThat(run(err, "world")).isNotZero();
        assertThat(err.toString()).contains("needs a command").contains("sheet", "quality");
    }

    @Test
    void aBadWorldModelsOptionIsAUsageErrorBeforeAnyModelLoads() {
        StringWriter err = new StringWriter();

        // QualityCommand.parse rejects the option before it sets threads or opens a model
        int rc = run(err, "world", "quality", "--colour", "red");

        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("likeness world quality").contains("unknown option '--colour'");
    }

    @Test
    void aBadWorldToolOptionIsAUsageError(@TempDir Path tmp) {
        StringWriter err = new StringWriter();

        int rc = run(err, "world", "sheet", "--out", tmp.resolve("s.png").toString(), "--count");

        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("expected --name value pairs");
        assertThat(tmp.resolve("s.png")).doesNotExist();
    }

    @Test
    void helpAfterAWorldToolCommandPrintsThatCommandsUsage() {
        StringWriter err = new StringWriter();
        CapturedOutput out = CapturedOutput.stdout(() -> run(err, "world", "sheet", "--help"));

        assertThat(out.exitCode()).as(err.toString()).isZero();
        assertThat(out.text()).contains("usage: WorldTool sheet")
                .contains("--out FILE.png");
    }

    /** {@link LikenessCli#run} with standard error captured. */
    private static int run(StringWriter err, String... args) {
        return new CommandLine(new LikenessCli()).setErr(new PrintWriter(err, true)).execute(args);
    }
}
