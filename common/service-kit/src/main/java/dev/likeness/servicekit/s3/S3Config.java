package dev.likeness.servicekit.s3;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where the object store is: {@code likeness.s3.*} (environment: {@code LIKENESS_S3_ENDPOINT},
 * {@code LIKENESS_S3_ACCESS_KEY}, {@code LIKENESS_S3_SECRET_KEY}, {@code LIKENESS_S3_REGION},
 * {@code LIKENESS_S3_BUCKET}).
 */
@ConfigMapping(prefix = "likeness.s3")
public interface S3Config {

    /** S3 endpoint URL, path-style, e.g. {@code http://127.0.0.1:19000}. */
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("us-east-1")
    String region();

    /** The one bucket all Likeness objects live in. */
    @WithDefault("likeness")
    String bucket();
}
