package dev.likeness.testkit;

import dev.likeness.localstack.StackEndpoints;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.net.URI;
import java.nio.file.Path;

/**
 * The same checks against real Kafka and MinIO containers, for machines with Docker (CI). Skipped where there is no
 * Docker engine; the in-process stack covers those machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerStackTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.2.1");

    @Container
    static final MinIOContainer MINIO = new MinIOContainer("minio/minio:RELEASE.2025-09-07T16-13-09Z")
            .withUserName("likeness").withPassword("likeness-local-secret");

    private static StackEndpoints containers() {
        return new StackEndpoints() {
            @Override
            public String kafkaBootstrapServers() {
                return KAFKA.getBootstrapServers();
            }

            @Override
            public URI s3Endpoint() {
                return URI.create(MINIO.getS3URL());
            }

            @Override
            public String s3AccessKey() {
                return MINIO.getUserName();
            }

            @Override
            public String s3SecretKey() {
                return MINIO.getPassword();
            }

            @Override
            public String bucket() {
                return "likeness";
            }

            @Override
            public Path dataDir() {
                return Path.of("container");
            }
        };
    }

    @Test
    void kafkaContainerProducesAndConsumes() throws Exception {
        StackChecks.kafkaRoundTrip(containers());
    }

    @Test
    void minioContainerPutsAndGets() throws Exception {
        StackChecks.s3RoundTrip(containers());
    }
}
