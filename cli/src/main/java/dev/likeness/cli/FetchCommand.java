package dev.likeness.cli;

import dev.likeness.cli.jobs.ClientOptions;
import dev.likeness.client.FetchedJob;
import dev.likeness.client.LikenessClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code likeness fetch JOB --output DIR}: downloads a finished job's artifacts and evaluation report. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = "Download a job's artifacts (DIR/artifacts) and report (DIR/report).")
public final class FetchCommand implements Callable<Integer> {

    @Mixin
    ClientOptions connection;

    @Parameters(index = "0", paramLabel = "JOB", description = "job id")
    String jobId;

    @Option(names = "--output", required = true, description = "folder to write into")
    Path output;

    @Override
    public Integer call() {
        try (LikenessClient client = connection.connect()) {
            FetchedJob fetched = client.fetch(jobId, output);
            fetched.artifacts().forEach(p -> System.out.println("artifact " + p));
            fetched.report().forEach(p -> System.out.println("report   " + p));
            if (fetched.reportHtml() != null) {
                System.out.println("open " + fetched.reportHtml().toAbsolutePath());
            }
        }
        return 0;
    }
}
