package dev.likeness.cli;

import dev.likeness.cli.jobs.ClientOptions;
import dev.likeness.client.LikenessClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code likeness cancel JOB}: asks every service to stop the job; a {@code cancelled} event confirms it. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancel a job (every service instance sees the request on likeness.control).")
public final class CancelCommand implements Callable<Integer> {

    @Mixin
    ClientOptions connection;

    @Parameters(index = "0", paramLabel = "JOB", description = "job id")
    String jobId;

    @Option(names = "--reason", defaultValue = "cancelled from the command line", description = "why (shown in the "
            + "cancelled event)")
    String reason;

    @Override
    public Integer call() {
        try (LikenessClient client = connection.connect()) {
            client.cancel(jobId, reason);
        }
        System.out.println("cancel requested for " + jobId + "; follow it with: likeness watch " + jobId);
        return 0;
    }
}
