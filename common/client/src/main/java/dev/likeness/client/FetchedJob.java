package dev.likeness.client;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link LikenessClient#fetch} wrote to a local folder.
 *
 * @param folder    the output folder
 * @param artifacts files of {@code jobs/<id>/artifacts/}, under {@code folder/artifacts/}
 * @param report    files of {@code jobs/<id>/report/}, under {@code folder/report/} (empty without evaluation)
 */
public record FetchedJob(Path folder, List<Path> artifacts, List<Path> report) {

    public FetchedJob {
        artifacts = List.copyOf(artifacts);
        report = List.copyOf(report);
    }

    /** The report's HTML page, or {@code null} when the job has no report. */
    public Path reportHtml() {
        Path html = folder.resolve("report").resolve("index.html");
        return report.contains(html) ? html : null;
    }
}
