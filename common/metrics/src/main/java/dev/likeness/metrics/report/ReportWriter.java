package dev.likeness.metrics.report;

import dev.likeness.metrics.metric.GeneratedImage;
import dev.likeness.metrics.preprocess.RgbImage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a report folder: {@code report.json}, {@code index.html} and {@code images/*.png}. The evaluator service
 * uploads the folder as is.
 */
public final class ReportWriter {

    public static final String JSON_FILE = "report.json";
    public static final String HTML_FILE = "index.html";

    private ReportWriter() {
    }

    /** @return the files written, relative to {@code dir} */
    public static List<String> write(Path dir, EvaluationReport report, List<RgbImage> real,
                                     List<GeneratedImage> generated, List<RgbImage> classImages) throws IOException {
        Files.createDirectories(dir);
        List<ReportImages.Entry> images = ReportImages.write(dir, real, generated, classImages);
        Files.writeString(dir.resolve(JSON_FILE), ReportJson.toJson(report, images), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(HTML_FILE), HtmlReport.render(report, images), StandardCharsets.UTF_8);
        List<String> files = new java.util.ArrayList<>(List.of(JSON_FILE, HTML_FILE));
        images.forEach(e -> files.add(e.path()));
        return files;
    }
}
