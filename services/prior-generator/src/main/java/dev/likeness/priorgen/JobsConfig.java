package dev.likeness.priorgen;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** How this instance runs jobs: {@code likeness.jobs.*} (environment {@code LIKENESS_JOBS_*}). */
@ConfigMapping(prefix = "likeness.jobs")
public interface JobsConfig {

    /** This instance's id in job states; default: host name plus a random suffix. */
    Optional<String> instanceId();

    /** Local scratch and model cache. */
    @WithDefault("${java.io.tmpdir}/likeness")
    String cacheDir();

    @WithDefault("10s")
    Duration heartbeatInterval();

    /** Another instance may take over a stage this long after its owner's last heartbeat. */
    @WithDefault("60s")
    Duration leaseTimeout();

    @WithDefault("5s")
    Duration progressMinInterval();

    @WithDefault("5s")
    Duration cancelCheckInterval();

    /** How long a running stage may take to save its work at shutdown. */
    @WithDefault("30s")
    Duration shutdownGrace();

    /** Object-store calls: attempts before {@code STORE_UNAVAILABLE}. */
    @WithDefault("6")
    int storeRetryAttempts();

    @WithDefault("200ms")
    Duration storeRetryBackoff();

    @WithDefault("3s")
    Duration storeRetryMaxBackoff();

    /** Largest instance image accepted, in bytes. */
    @WithDefault("20971520")
    long maxImageBytes();

    /** Largest instance image accepted, in pixels. */
    @WithDefault("40000000")
    long maxImagePixels();

    /** Extra Kafka consumer properties for the job topics (e.g. {@code max.poll.interval.ms}). */
    Map<String, String> consumer();
}
