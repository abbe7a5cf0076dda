package dev.likeness.client;

import java.net.URI;
import java.util.Map;

/**
 * Where a Likeness installation is: the Kafka bootstrap servers and the S3 bucket the services share.
 *
 * @param kafkaBootstrapServers {@code host:port[,host:port]}
 * @param s3Endpoint            S3 endpoint (path-style), e.g. {@code http://127.0.0.1:19000}
 * @param s3AccessKey           S3 access key
 * @param s3SecretKey           S3 secret key
 * @param s3Region              S3 region
 * @param bucket                the bucket the services use
 */
public record ClientSettings(String kafkaBootstrapServers, URI s3Endpoint, String s3AccessKey, String s3SecretKey,
                             String s3Region, String bucket) {

    /** Kafka of the stack that {@code ./likeness-local up} starts. */
    public static final String LOCAL_KAFKA = "127.0.0.1:19092";
    /** S3 endpoint of the stack that {@code ./likeness-local up} starts. */
    public static final String LOCAL_S3 = "http://127.0.0.1:19000";

    public ClientSettings {
        require(kafkaBootstrapServers, "Kafka bootstrap servers");
        if (s3Endpoint == null) {
            throw new IllegalArgumentException("S3 endpoint is missing");
        }
        require(s3AccessKey, "S3 access key");
        require(s3SecretKey, "S3 secret key");
        require(s3Region, "S3 region");
        require(bucket, "S3 bucket");
    }

    /** The local stack's defaults ({@code ./likeness-local up}). */
    public static ClientSettings local() {
        return fromEnvironment(Map.of());
    }

    /**
     * Settings from environment variables, the same ones the services read: {@code KAFKA_BOOTSTRAP_SERVERS},
     * {@code LIKENESS_S3_ENDPOINT}, {@code LIKENESS_S3_ACCESS_KEY}, {@code LIKENESS_S3_SECRET_KEY},
     * {@code LIKENESS_S3_REGION}, {@code LIKENESS_S3_BUCKET}; each absent one takes the local stack's default.
     */
    public static ClientSettings fromEnvironment(Map<String, String> env) {
        return new ClientSettings(
                env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", LOCAL_KAFKA),
                URI.create(env.getOrDefault("LIKENESS_S3_ENDPOINT", LOCAL_S3)),
                env.getOrDefault("LIKENESS_S3_ACCESS_KEY", "likeness"),
                env.getOrDefault("LIKENESS_S3_SECRET_KEY", "likeness-local-secret"),
                env.getOrDefault("LIKENESS_S3_REGION", "us-east-1"),
                env.getOrDefault("LIKENESS_S3_BUCKET", "likeness"));
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is missing");
        }
    }
}
