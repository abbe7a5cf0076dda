package dev.likeness.localstack;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where a running local stack can be reached: one Kafka bootstrap address and one S3 endpoint with its credentials
 * and bucket. Implemented by the in-process {@link LocalStack} and the child-JVM {@link LocalStackProcess}.
 */
public interface StackEndpoints {

    /** {@code host:port} of the PLAINTEXT listener. */
    String kafkaBootstrapServers();

    /** Path-style S3 endpoint, e.g. {@code http://127.0.0.1:19000}. */
    URI s3Endpoint();

    String s3AccessKey();

    String s3SecretKey();

    /** The bucket created at start. */
    String bucket();

    /** Root of the stack's state: {@code kafka/} and {@code s3/} live below it. */
    Path dataDir();

    /** The region the S3 server accepts (any region works; this is the one we advertise). */
    default String s3Region() {
        return "us-east-1";
    }

    /**
     * The service configuration that points at this stack, keyed by the property names every Likeness service
     * reads ({@code kafka.bootstrap.servers}, {@code likeness.s3.*}).
     */
    default Map<String, String> serviceConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafkaBootstrapServers());
        config.put("likeness.s3.endpoint", s3Endpoint().toString());
        config.put("likeness.s3.access-key", s3AccessKey());
        config.put("likeness.s3.secret-key", s3SecretKey());
        config.put("likeness.s3.region", s3Region());
        config.put("likeness.s3.bucket", bucket());
        return config;
    }

    /** The same configuration as environment variables ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code LIKENESS_S3_*}). */
    default Map<String, String> serviceEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        serviceConfig().forEach((k, v) -> env.put(k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), v));
        return env;
    }
}
