package dev.likeness.world.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.world.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetExporterTest {

    @Test
    void writesPngsAndCaptionLinesThatMatchTheSamples(@TempDir Path dir) throws Exception {
        WorldDataset held = new WorldDataset(WorldConfig.defaults().withImageSize(32), Split.HELD_OUT);
        assertThat(DatasetExporter.export(held, 10, 5, dir)).isEqualTo(5);
        List<String> lines = Files.readAllLines(dir.resolve("captions.jsonl"));
        assertThat(lines).hasSize(5);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < 5; i++) {
            JsonNode line = json.readTree(lines.get(i));
            WorldSample s = held.sample(10 + i);
            assertThat(line.get("file_name").asText()).isEqualTo(String.format("images/%06d.png", 10 + i));
            assertThat(line.get("text").asText()).isEqualTo(s.caption());
            assertThat(line.get("split").asText()).isEqualTo("held-out");
            JsonNode object = line.get("attributes").get("object");
            assertThat(object.get("class").asText()).isEqualTo(s.attributes().primary().objectClass().noun());
            assertThat(object.get("colour").asText()).isEqualTo(s.attributes().primary().colour().word());
            assertThat(line.get("attributes").has("second")).isEqualTo(s.attributes().secondObject().isPresent());
            RgbImage png = RgbImage.readPng(dir.resolve(line.get("file_name").asText()));
            assertThat(png).isEqualTo(s.image());
        }
        JsonNode world = json.readTree(dir.resolve("world.json").toFile());
        assertThat(world.get("seed").asLong()).isEqualTo(WorldConfig.DEFAULT_SEED);
        assertThat(world.get("image_size").asInt()).isEqualTo(32);
        assertThat(world.get("split").asText()).isEqualTo("held-out");
    }
}
