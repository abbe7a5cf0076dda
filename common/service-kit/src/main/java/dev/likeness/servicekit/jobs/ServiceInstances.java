package dev.likeness.servicekit.jobs;

import dev.likeness.jobs.kafka.JobConsumer;
import dev.likeness.servicekit.health.CheckResult;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What every job-consuming service needs about itself: an instance id and a liveness check of its consumers. */
public final class ServiceInstances {

    private ServiceInstances() {
    }

    /** Host name plus a random suffix: unique per process, readable in job states and logs. */
    public static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "instance";
        }
        return host.replaceAll("[^A-Za-z0-9.-]", "-") + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * DOWN when a consumer stopped polling (the service must be restarted), else UP with the consumer count.
     *
     * @param stoppedMessage prefix of the DOWN message, followed by the consumer's failure
     * @param extraDetails   details added to the UP result after {@code consumers}
     */
    public static CheckResult consumersCheck(String name, List<JobConsumer> consumers, String stoppedMessage,
                                             Map<String, Object> extraDetails) {
        for (JobConsumer c : consumers) {
            if (!c.isRunning()) {
                return CheckResult.down(name, stoppedMessage + ": " + c.failure());
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("consumers", consumers.size());
        details.putAll(extraDetails);
        return CheckResult.up(name, details);
    }
}
