package dev.likeness.servicekit.health;

import dev.likeness.localstack.LocalStackProcess;
import dev.likeness.servicekit.s3.S3Config;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The checks against a real broker and S3 server (child-JVM stack), and against ones that are not there. */
class HealthChecksTest {

    @TempDir
    static Path dataDir;

    private static LocalStackProcess stack;
    private static KafkaHealthCheck kafka;

    @BeforeAll
    static void start() {
        stack = LocalStackProcess.builder().dataDir(dataDir).start();
        kafka = new KafkaHealthCheck(stack.kafkaBootstrapServers());
    }

    @AfterAll
    static void stop() {
        kafka.close();
        stack.close();
    }

    @Test
    void kafkaIsUpWithClusterFacts() {
        CheckResult result = kafka.check();
        assertThat(result.up()).as("%s", result).isTrue();
        assertThat(result.data()).containsEntry("nodes", 1).containsKey("clusterId");
    }

    @Test
    void kafkaOnAClosedPortIsDownWithinTheTimeout() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        KafkaHealthCheck dead = new KafkaHealthCheck("127.0.0.1:" + closedPort);
        try {
            long t0 = System.nanoTime();
            CheckResult result = dead.check();
            assertThat(result.up()).isFalse();
            assertThat(result.data().get("error").toString()).contains("127.0.0.1:" + closedPort);
            assertThat((System.nanoTime() - t0) / 1e9).isLessThan(3 * KafkaHealthCheck.TIMEOUT_MS / 1000.0);
        } finally {
            dead.close();
        }
    }

    @Test
    void s3IsUpForTheStackBucketAndDownForAMissingOneOrWrongSecret() {
        assertThat(new S3HealthCheck(config(stack.bucket(), stack.s3SecretKey())).check().up()).isTrue();

        CheckResult missing = new S3HealthCheck(config("no-such-bucket", stack.s3SecretKey())).check();
        assertThat(missing.up()).isFalse();
        assertThat(missing.data().get("error").toString()).contains("no-such-bucket");

        CheckResult forged = new S3HealthCheck(config(stack.bucket(), "wrong-secret")).check();
        assertThat(forged.up()).isFalse();
        assertThat(forged.data().get("error").toString()).contains("AccessDenied");
    }

    @Test
    void reportIsDownAnd503AsSoonAsOneCheckIsDown() {
        HealthReport report = new HealthReport(List.of(
                CheckResult.up("kafka", Map.of("nodes", 1)), CheckResult.down("s3", "connection refused")));
        assertThat(report.up()).isFalse();
        assertThat(report.httpStatus()).isEqualTo(503);
        JsonObject json = report.toJson();
        assertThat(json.getString("status")).isEqualTo("DOWN");
        assertThat(json.getJsonArray("checks").getJsonObject(1).getString("status")).isEqualTo("DOWN");
        assertThat(new HealthReport(List.of()).toJson().encode()).isEqualTo("{\"status\":\"UP\",\"checks\":[]}");
    }

    @Test
    void badEndpointIsRejectedWithItsValue() {
        S3Config bad = new TestS3Config("localhost:9000", "a", "b", "likeness");
        assertThatThrownBy(() -> new S3HealthCheck(bad))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("localhost:9000");
    }

    private static S3Config config(String bucket, String secret) {
        return new TestS3Config(stack.s3Endpoint().toString(), stack.s3AccessKey(), secret, bucket);
    }

    private record TestS3Config(String endpoint, String accessKey, String secretKey, String bucket)
            implements S3Config {
        @Override
        public String region() {
            return "us-east-1";
        }
    }
}
