package dev.likeness.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A real Kafka broker (KRaft, single node) and a real S3 server (S3Proxy, filesystem backend) running in this JVM,
 * both bound to 127.0.0.1, with their state under one data directory:
 *
 * <pre>
 * dataDir/
 *   kafka/   cluster.id, server.properties, logs/ (the broker's log dir)
 *   s3/      one folder per bucket
 * </pre>
 *
 * Starting again on the same data directory brings back the topics, messages, committed offsets and objects.
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().dataDir(dir).start()) {
 *     stack.kafkaBootstrapServers(); stack.s3Endpoint();
 * }
 * }</pre>
 * Quarkus tests should not run it in their own JVM (the broker's and S3Proxy's jars clash with Quarkus'
 * classpath); they use {@link LocalStackProcess}, which runs this class in a child JVM.
 */
public final class LocalStack implements StackEndpoints, AutoCloseable {

    public static final String DEFAULT_ACCESS_KEY = "likeness";
    public static final String DEFAULT_SECRET_KEY = "likeness-local-secret";
    public static final String DEFAULT_BUCKET = "likeness";

    private final Path dataDir;
    private final EmbeddedKafka kafka;
    private final EmbeddedS3 s3;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;
    private boolean closed;

    private LocalStack(Path dataDir, EmbeddedKafka kafka, EmbeddedS3 s3, String accessKey, String secretKey,
            String bucket) {
        this.dataDir = dataDir;
        this.kafka = kafka;
        this.s3 = s3;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.bucket = bucket;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String kafkaBootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public URI s3Endpoint() {
        return s3.endpoint();
    }

    @Override
    public String s3AccessKey() {
        return accessKey;
    }

    @Override
    public String s3SecretKey() {
        return secretKey;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public Path dataDir() {
        return dataDir;
    }

    /** Stops the S3 server, then the broker (controlled shutdown). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failure = null;
        try {
            s3.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            kafka.close();
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "LocalStack[kafka=" + kafkaBootstrapServers() + ", s3=" + s3Endpoint() + ", bucket=" + bucket
                + ", data=" + dataDir + "]";
    }

    /** Options for {@link LocalStack}; every one has a default except the data directory. */
    public static final class Builder {

        private Path dataDir;
        private int kafkaPort;
        private int controllerPort;
        private int s3Port;
        private int partitions = 4;
        private String accessKey = DEFAULT_ACCESS_KEY;
        private String secretKey = DEFAULT_SECRET_KEY;
        private String bucket = DEFAULT_BUCKET;
        private List<String> topics = StackTopics.DEFAULT;

        private Builder() {
        }

        /** Where the broker's logs and the buckets live; created if missing. Required. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Kafka PLAINTEXT port; 0 (default) picks a free one. */
        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        /** KRaft controller port; 0 (default) picks a free one. */
        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** S3 HTTP port; 0 (default) picks a free one. */
        public Builder s3Port(int port) {
            this.s3Port = port;
            return this;
        }

        /** Partitions of every topic created by the stack or auto-created by the broker (default 4). */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        public Builder accessKey(String accessKey) {
            this.accessKey = requireText(accessKey, "accessKey");
            return this;
        }

        public Builder secretKey(String secretKey) {
            this.secretKey = requireText(secretKey, "secretKey");
            return this;
        }

        /** Bucket created at start (S3 naming rules: 3-63 lower-case letters, digits, dots, hyphens). */
        public Builder bucket(String bucket) {
            requireText(bucket, "bucket");
            if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
                throw new IllegalArgumentException("bucket name '" + bucket + "' is not a valid S3 bucket name");
            }
            this.bucket = bucket;
            return this;
        }

        /** Topics created at start when missing (default: the Likeness topics). */
        public Builder topics(List<String> topics) {
            this.topics = List.copyOf(topics);
            return this;
        }

        /** Starts Kafka, then S3; blocks until both answer. */
        public LocalStack start() {
            if (dataDir == null) {
                throw new IllegalStateException("LocalStack.builder().dataDir(...) is required");
            }
            StackLogging.quiet();
            Path root = dataDir.toAbsolutePath();
            int brokerPort = FreePorts.resolve(kafkaPort);
            int raftPort = FreePorts.resolve(controllerPort);
            int httpPort = FreePorts.resolve(s3Port);
            try {
                Files.createDirectories(root);
                EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), brokerPort, raftPort, partitions,
                        topics);
                try {
                    EmbeddedS3 s3 = EmbeddedS3.start(root.resolve("s3"), httpPort, accessKey, secretKey, bucket);
                    return new LocalStack(root, kafka, s3, accessKey, secretKey, bucket);
                } catch (IOException | RuntimeException e) {
                    kafka.close();
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare local stack data dir " + root, e);
            }
        }

        private static String requireText(String value, String name) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return value;
        }
    }
}
