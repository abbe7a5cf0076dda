package dev.likeness.testkit;

import dev.likeness.localstack.StackEndpoints;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Quarkus test resource outside Quarkus: it starts the child-JVM stack once and hands out its config. */
class LocalStackTestResourceTest {

    @Test
    void startsOneChildStackPerJvmAndReturnsServiceConfig() throws Exception {
        LocalStackTestResource resource = new LocalStackTestResource();
        Map<String, String> config = resource.start();
        StackEndpoints stack = LocalStackTestResource.sharedStack();

        assertThat(config).containsOnlyKeys("kafka.bootstrap.servers", "likeness.s3.endpoint",
                "likeness.s3.access-key", "likeness.s3.secret-key", "likeness.s3.region", "likeness.s3.bucket");
        assertThat(config.get("kafka.bootstrap.servers")).isEqualTo(stack.kafkaBootstrapServers()).startsWith("127.0.0.1:");
        assertThat(config.get("likeness.s3.endpoint")).startsWith("http://127.0.0.1:");
        assertThat(new LocalStackTestResource().start()).isEqualTo(config);
        assertThat(stack.serviceEnvironment()).containsKeys("KAFKA_BOOTSTRAP_SERVERS", "LIKENESS_S3_ENDPOINT",
                "LIKENESS_S3_ACCESS_KEY", "LIKENESS_S3_SECRET_KEY", "LIKENESS_S3_REGION", "LIKENESS_S3_BUCKET");

        StackChecks.kafkaRoundTrip(stack);
        StackChecks.s3RoundTrip(stack);
        resource.stop();
    }
}
