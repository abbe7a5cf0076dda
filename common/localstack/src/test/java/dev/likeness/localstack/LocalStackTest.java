package dev.likeness.localstack;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackTest {

    @TempDir
    Path dir;

    @Test
    void messagesOffsetsAndObjectsSurviveARestart() throws Exception {
        Map<String, String> sent = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            sent.put("job-" + i, "{\"n\":" + i + "}");
        }
        byte[] blob = new byte[300_000];
        new Random(7).nextBytes(blob);

        String firstKafka;
        try (LocalStack stack = LocalStack.builder().dataDir(dir).start()) {
            firstKafka = stack.kafkaBootstrapServers();
            assertThat(stack.dataDir()).isEqualTo(dir.toAbsolutePath());
            Probe.produce(stack, "likeness.jobs", sent);
            List<ConsumerRecord<String, String>> got = Probe.consume(stack, "likeness.jobs", "reader", 5);
            assertThat(got).extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(sent.keySet());

            MinioClient s3 = Probe.minio(stack);
            assertThat(s3.bucketExists(BucketExistsArgs.builder().bucket("likeness").build())).isTrue();
            Probe.put(s3, stack.bucket(), "runs/r1/weights.bin", blob);
            assertThat(Probe.get(s3, stack.bucket(), "runs/r1/weights.bin")).isEqualTo(blob);
        }

        // new free ports, same data: the broker's log, the group's offsets and the bucket come back
        try (LocalStack stack = LocalStack.builder().dataDir(dir).start()) {
            assertThat(stack.kafkaBootstrapServers()).isNotEqualTo(firstKafka);
            List<ConsumerRecord<String, String>> again = Probe.consume(stack, "likeness.jobs", "second-reader", 5);
            assertThat(again).hasSize(5);
            assertThat(again).allSatisfy(r -> assertThat(r.value()).isEqualTo(sent.get(r.key())));

            Probe.produce(stack, "likeness.jobs", Map.of("job-5", "{\"n\":5}"));
            List<ConsumerRecord<String, String>> onlyNew = Probe.consume(stack, "likeness.jobs", "reader", 1);
            assertThat(onlyNew).extracting(ConsumerRecord::key).containsExactly("job-5");

            assertThat(Probe.get(Probe.minio(stack), stack.bucket(), "runs/r1/weights.bin")).isEqualTo(blob);
            // wrong secret: S3Proxy checks signatures
            MinioClient forged = Probe.minio(stack, "not-the-secret");
            assertThatThrownBy(() -> Probe.get(forged, stack.bucket(), "runs/r1/weights.bin"))
                    .isInstanceOfSatisfying(ErrorResponseException.class,
                            e -> assertThat(e.errorResponse().code()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void rejectsBadOptionsWithTheirName() {
        assertThatThrownBy(() -> LocalStack.builder().start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("dataDir");
        assertThatThrownBy(() -> LocalStack.builder().bucket("Bad_Bucket"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bad_Bucket");
        assertThatThrownBy(() -> LocalStack.builder().dataDir(dir).kafkaPort(70000).start())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
        assertThatThrownBy(() -> LocalStack.builder().partitions(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitions");
    }
}
