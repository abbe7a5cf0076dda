package dev.likeness.world.tool;

import dev.likeness.world.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorldToolTest {

    @Test
    void writesDatasetSheetAndSubjects(@TempDir Path dir) throws Exception {
        WorldTool.main(new String[] {"dataset", "--out", dir.resolve("ds").toString(), "--count", "3", "--size", "32",
            "--split", "held-out", "--seed", "5"});
        assertThat(Files.readAllLines(dir.resolve("ds/captions.jsonl"))).hasSize(3)
                .allMatch(l -> l.contains("\"split\":\"held-out\""));
        assertThat(RgbImage.readPng(dir.resolve("ds/images/000002.png")).width()).isEqualTo(32);

        WorldTool.main(new String[] {"sheet", "--out", dir.resolve("sheet.png").toString(), "--count", "8",
            "--size", "32"});
        RgbImage sheet = RgbImage.readPng(dir.resolve("sheet.png"));
        assertThat(sheet.width()).isEqualTo(8 * (128 + 4) + 4);

        WorldTool.main(new String[] {"subjects", "--out", dir.resolve("subjects").toString(), "--size", "32"});
        assertThat(dir.resolve("subjects/party-cone/04.png")).exists();
        assertThat(dir.resolve("subjects/party-cone/subject.json")).exists();
    }

    @Test
    void helpAfterACommandPrintsItsUsage() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream before = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            WorldTool.main(new String[] {"sheet", "--help"});
        } finally {
            System.setOut(before);
        }
        assertThat(buf.toString(StandardCharsets.UTF_8))
                .startsWith("usage: WorldTool sheet").contains("--out FILE.png").contains("--count 48");
        assertThat(WorldTool.COMMANDS).containsOnlyKeys("dataset", "subjects", "tokenizer", "sheet");
    }

    @Test
    void rejectsBadCommandsWithAClearMessage() {
        assertThatThrownBy(() -> WorldTool.main(new String[0])).hasMessageContaining("usage");
        assertThatThrownBy(() -> WorldTool.main(new String[] {"paint", "--out", "x"}))
                .hasMessageContaining("unknown command 'paint'");
        assertThatThrownBy(() -> WorldTool.main(new String[] {"paint"}))
                .as("the command is checked before its options").hasMessageContaining("unknown command 'paint'")
                .hasMessageContaining("dataset, subjects, tokenizer, sheet");
        assertThatThrownBy(() -> WorldTool.main(new String[] {"dataset"})).hasMessageContaining("missing --out");
        assertThatThrownBy(() -> WorldTool.main(new String[] {"dataset", "--out"}))
                .hasMessageContaining("--name value pairs");
    }
}
