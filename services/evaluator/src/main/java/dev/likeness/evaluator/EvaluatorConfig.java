package dev.likeness.evaluator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How this evaluator runs: {@code likeness.evaluator.*} (environment {@code LIKENESS_EVALUATOR_*}) for the
 * encoders and links, {@code likeness.jobs.*} semantics for the job runtime.
 */
@ConfigMapping(prefix = "likeness.evaluator")
public interface EvaluatorConfig {

    /** CLIP model folder (local path or {@code s3://…/}); absent = a tiny random CLIP, flagged untrained. */
    Optional<String> clip();

    /** DINO (ViT) model folder (local path or {@code s3://…/}); absent = a tiny random ViT, flagged untrained. */
    Optional<String> dino();

    /** Seed of the random encoders generated when none are configured. */
    @WithDefault("1234")
    long randomEncoderSeed();

    /** Images per encoder forward pass. */
    @WithDefault("8")
    int encoderBatchSize();

    /** Validity of the presigned links in the {@code succeeded} event. */
    @WithDefault("24h")
    Duration downloadExpiry();

    /** This instance's id in job states; default: host name plus a random suffix. */
    Optional<String> instanceId();

    /** Local scratch space, model and encoder caches. */
    @WithDefault("${java.io.tmpdir}/likeness")
    String cacheDir();

    @WithDefault("10s")
    Duration heartbeatInterval();

    @WithDefault("60s")
    Duration leaseTimeout();

    @WithDefault("5s")
    Duration progressMinInterval();

    @WithDefault("5s")
    Duration cancelCheckInterval();

    @WithDefault("30s")
    Duration shutdownGrace();

    @WithDefault("6")
    int storeRetryAttempts();

    @WithDefault("200ms")
    Duration storeRetryBackoff();

    @WithDefault("3s")
    Duration storeRetryMaxBackoff();

    /** Largest instance image read back for the metrics, in bytes. */
    @WithDefault("20971520")
    long maxImageBytes();

    @WithDefault("40000000")
    long maxImagePixels();

    /** Extra Kafka consumer properties for {@code likeness.stage.evaluate}. */
    Map<String, String> consumer();
}
