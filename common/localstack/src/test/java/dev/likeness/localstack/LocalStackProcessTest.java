package dev.likeness.localstack;

import io.minio.MinioClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackProcessTest {

    @TempDir
    Path dir;

    @Test
    void childJvmServesKafkaAndS3AndStopsCleanly() throws Exception {
        LocalStackProcess stack = LocalStackProcess.builder().dataDir(dir).bucket("child-bucket").start();
        try {
            assertThat(stack.pid()).isNotEqualTo(ProcessHandle.current().pid());
            assertThat(stack.bucket()).isEqualTo("child-bucket");
            assertThat(stack.serviceConfig())
                    .containsEntry("kafka.bootstrap.servers", stack.kafkaBootstrapServers())
                    .containsEntry("likeness.s3.bucket", "child-bucket")
                    .containsKeys("likeness.s3.endpoint", "likeness.s3.access-key", "likeness.s3.secret-key");

            Probe.produce(stack, "likeness.events", Map.of("run-1", "{\"type\":\"stage-started\"}"));
            List<ConsumerRecord<String, String>> got = Probe.consume(stack, "likeness.events", "probe", 1);
            assertThat(got).extracting(ConsumerRecord::key).containsExactly("run-1");

            MinioClient s3 = Probe.minio(stack);
            byte[] data = "hello from the parent".getBytes(StandardCharsets.UTF_8);
            Probe.put(s3, "child-bucket", "a/b.txt", data);
            assertThat(Probe.get(s3, "child-bucket", "a/b.txt")).isEqualTo(data);
            // the object really lives under the data dir's s3/ folder
            assertThat(dir.resolve("s3/child-bucket/a/b.txt")).exists();
        } finally {
            stack.close();
        }
        assertThat(stack.isAlive()).isFalse();
        String log = Files.readString(dir.resolve("localstack.log"));
        assertThat(log).contains(LocalStackMain.READY_MARKER).contains("LIKENESS-LOCALSTACK-STOPPED");
    }

    @Test
    void readyLineIsParsedAndIncompleteOnesAreRejected() {
        Map<String, String> fields = LocalStackProcess.parseReadyLine(LocalStackMain.toJson(Map.of(
                "kafkaBootstrapServers", "127.0.0.1:1", "s3Endpoint", "http://127.0.0.1:2", "s3AccessKey", "a\"b",
                "s3SecretKey", "c\\d", "bucket", "x")));
        assertThat(fields).containsEntry("s3AccessKey", "a\"b").containsEntry("s3SecretKey", "c\\d");
        assertThatThrownBy(() -> LocalStackProcess.parseReadyLine("{\"bucket\":\"x\"}"))
                .hasMessageContaining("kafkaBootstrapServers");
    }

    @Test
    void badOptionMakesTheChildFailFastWithItsMessage() {
        assertThatThrownBy(() -> LocalStackProcess.builder().dataDir(dir).bucket("NO").start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a valid S3 bucket name");
    }
}
