package dev.likeness.jobs.stage;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the runners of one service instance behave.
 *
 * @param service             service name, e.g. {@code trainer}; events come from {@code /likeness/<service>}
 * @param instanceId          this instance, recorded as the owner of the stages it runs
 * @param workDir             local scratch space; each stage run gets a sub-folder, deleted afterwards
 * @param heartbeatInterval   how often a running stage refreshes its heartbeat in the job state
 * @param leaseTimeout        how long after the last heartbeat another instance may take a stage over
 * @param progressMinInterval least time between two progress events of one stage (the last step always goes out)
 * @param cancelCheckInterval how often a running stage looks for a cancel marker in the store
 */
public record RunnerSettings(String service, String instanceId, Path workDir, Duration heartbeatInterval,
                             Duration leaseTimeout, Duration progressMinInterval, Duration cancelCheckInterval) {

    public RunnerSettings {
        if (service == null || !service.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("service name must be lower-case letters, digits and '-', got '"
                    + service + "'");
        }
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("instanceId is required");
        }
        if (workDir == null) {
            throw new IllegalArgumentException("workDir is required");
        }
        if (leaseTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("leaseTimeout (" + leaseTimeout + ") must be at least twice the "
                    + "heartbeatInterval (" + heartbeatInterval + ")");
        }
    }

    /** Production defaults: heartbeat 10 s, lease 60 s, progress at most every 5 s, cancel markers every 5 s. */
    public static RunnerSettings defaults(String service, String instanceId, Path workDir) {
        return new RunnerSettings(service, instanceId, workDir, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    /** CloudEvents source of this service. */
    public String source() {
        return "/likeness/" + service;
    }
}
