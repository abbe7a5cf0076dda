package dev.likeness.metrics.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.likeness.metrics.GoldenEval;
import dev.likeness.metrics.encoder.ClipEmbedder;
import dev.likeness.metrics.encoder.DinoEmbedder;
import dev.likeness.metrics.metric.DreamBoothEvaluator;
import dev.likeness.metrics.metric.EvaluationResult;
import dev.likeness.metrics.metric.GeneratedImage;
import dev.likeness.metrics.metric.Metric;
import dev.likeness.metrics.preprocess.ImageDecoder;
import dev.likeness.metrics.preprocess.RgbImage;
import dev.likeness.metrics.protocol.EvaluationProtocol;
import dev.likeness.metrics.protocol.SubjectKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {

    @TempDir
    Path tmp;

    /** A tiny-dino copy whose config.json carries the untrained marker. */
    private Path markedDino() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("dino-marked"));
        for (String f : List.of("model.safetensors", "preprocessor_config.json")) {
            Files.copy(GoldenEval.dinoModel().resolve(f), dir.resolve(f));
        }
        String cfg = Files.readString(GoldenEval.dinoModel().resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), cfg.replaceFirst("\\{", "{\"likeness_untrained\": true,"));
        return dir;
    }

    @Test
    void writesJsonHtmlAndImagesFromARealEvaluation() throws IOException {
        List<RgbImage> img = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            img.add(ImageDecoder.decode(GoldenEval.image(i)));
        }
        EvaluationProtocol protocol = new EvaluationProtocol("sks", "dog", SubjectKind.LIVE, 2, 5L,
                List.of("a {0} {1} in the snow", "a red {0} {1} <b>"));
        List<GeneratedImage> gen = List.of(new GeneratedImage(0, 5, img.get(0)), new GeneratedImage(0, 6, img.get(1)),
                new GeneratedImage(1, 5, img.get(3)), new GeneratedImage(1, 6, img.get(0)));
        List<RgbImage> real = List.of(img.get(2), img.get(3));
        Path out = tmp.resolve("report");
        EvaluationResult result;
        EvaluationReport report;
        try (ClipEmbedder clip = ClipEmbedder.load(GoldenEval.clipModel(), 8, false);
             DinoEmbedder dino = DinoEmbedder.load(markedDino(), 8, false)) {
            assertThat(dino.info().untrained()).isTrue();
            assertThat(clip.info().untrained()).isFalse();
            result = new DreamBoothEvaluator(dino, clip, null).evaluate(protocol.prompts(), real, gen,
                    List.of(img.get(1)));
            List<LossPoint> loss = List.of(new LossPoint(0, 0.9), new LossPoint(10, 0.5), new LossPoint(20, 0.4));
            report = EvaluationReport.of("job-42", protocol, List.of(clip.info(), dino.info()), result, loss,
                    Map.of("embed", 0.5));
            ReportWriter.write(out, report, real, gen, List.of(img.get(1)));
        }
        assertThat(report.encodersUntrained()).isTrue();

        JsonNode json = new ObjectMapper().readTree(out.resolve(ReportWriter.JSON_FILE).toFile());
        assertThat(json.get("jobId").asText()).isEqualTo("job-42");
        assertThat(json.get("encodersUntrained").asBoolean()).isTrue();
        assertThat(json.has("warning")).isTrue();
        assertThat(json.at("/overall/DINO/mean").asDouble())
                .isEqualTo(result.overall().get(Metric.DINO).mean());
        assertThat(json.at("/overall/CLIP-T/count").asInt()).isEqualTo(4);
        assertThat(json.at("/overall/DIV/count").asInt()).isEqualTo(2); // one pair per prompt
        assertThat(json.at("/overall/PRES/higherIsBetter").asBoolean()).isFalse();
        assertThat(json.at("/counts/generatedImages").asInt()).isEqualTo(4);
        assertThat(json.get("perPrompt")).hasSize(2);
        assertThat(json.at("/perPrompt/0/classPrompt").asText()).isEqualTo("a dog in the snow");
        assertThat(json.get("lossCurve")).hasSize(3);
        assertThat(json.get("encoders")).hasSize(2);
        assertThat(json.get("images")).hasSize(2 + 4 + 1);

        // every image path exists and round-trips the pixels
        for (JsonNode n : json.get("images")) {
            assertThat(out.resolve(n.get("path").asText())).isRegularFile();
        }
        assertThat(ImageDecoder.decode(out.resolve(json.at("/images/0/path").asText()))).isEqualTo(img.get(2));

        String html = Files.readString(out.resolve(ReportWriter.HTML_FILE));
        assertThat(html).contains("<svg", "<polyline", "untrained", "a red sks dog &lt;b&gt;")
                .doesNotContain("<script", "<link", "a red sks dog <b>");
        Matcher m = Pattern.compile("src=\"([^\"]+)\"").matcher(html);
        int srcs = 0;
        while (m.find()) {
            assertThat(m.group(1)).doesNotStartWith("http");
            assertThat(out.resolve(m.group(1))).isRegularFile();
            srcs++;
        }
        assertThat(srcs).isGreaterThanOrEqualTo(4 + 1);
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://");
    }

    @Test
    void lossCurveHasOnePointPerFiniteSample() {
        String svg = LossCurveSvg.render(List.of(new LossPoint(1, 2.0), new LossPoint(2, Double.NaN),
                new LossPoint(3, 1.0)), 300, 120);
        Matcher m = Pattern.compile("<polyline[^>]*points=\"([^\"]*)\"").matcher(svg);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1).trim().split(" ")).hasSize(2);
        assertThat(LossCurveSvg.render(List.of(), 300, 120)).contains("no training loss");
    }
}
