package dev.likeness.renderer;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** How this renderer runs: {@code likeness.renderer.*} (environment {@code LIKENESS_RENDERER_*}). */
@ConfigMapping(prefix = "likeness.renderer")
public interface RendererConfig {

    /** This instance's id (logs, Kafka client ids); default: host name plus a random suffix. */
    Optional<String> instanceId();

    /** Local scratch space, downloaded models and the SVD cache. */
    @WithDefault("${java.io.tmpdir}/likeness")
    String cacheDir();

    /** How many base models stay loaded in memory (least recently used goes first). */
    @WithDefault("2")
    int modelCacheSize();

    /** Validity of the presigned download URLs in {@code render.completed}. */
    @WithDefault("24h")
    Duration downloadExpiry();

    /** Object-store calls: attempts before {@code STORE_UNAVAILABLE}. */
    @WithDefault("6")
    int storeRetryAttempts();

    @WithDefault("200ms")
    Duration storeRetryBackoff();

    @WithDefault("3s")
    Duration storeRetryMaxBackoff();

    /** Extra Kafka consumer properties for {@code likeness.render}. */
    Map<String, String> consumer();
}
