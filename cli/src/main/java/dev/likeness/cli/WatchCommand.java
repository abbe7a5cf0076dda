package dev.likeness.cli;

import dev.likeness.cli.jobs.ClientOptions;
import dev.likeness.client.LikenessClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code likeness watch JOB}: a job's (or render request's) events from the first one until it ends. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Show a job's events from the beginning until it succeeds, fails or is cancelled. "
                + "Exit code 0 = succeeded, 1 = failed or cancelled, 2 = timed out.")
public final class WatchCommand implements Callable<Integer> {

    @Mixin
    ClientOptions connection;

    @Parameters(index = "0", paramLabel = "JOB", description = "job id (or render request id)")
    String jobId;

    @Option(names = "--output", description = "download artifacts and report here on success")
    Path output;

    @Option(names = "--timeout", defaultValue = "PT2H", description = "give up after this long (default: "
            + "${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        try (LikenessClient client = connection.connect()) {
            return SubmitCommand.followAndFetch(client, jobId, timeout, output, System.out);
        }
    }
}
