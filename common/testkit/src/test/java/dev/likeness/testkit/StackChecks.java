package dev.likeness.testkit;

import dev.likeness.localstack.StackEndpoints;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The same produce/consume and put/get checks, run against any stack (ours or containers). */
final class StackChecks {

    private StackChecks() {
    }

    /** Sends three keyed records to a fresh topic and reads them back with a real consumer group. */
    static void kafkaRoundTrip(StackEndpoints stack) throws Exception {
        String topic = "check." + UUID.randomUUID();
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "checks-" + UUID.randomUUID());
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.size() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        assertThat(got).extracting(r -> Map.entry(r.key(), r.value()))
                .containsExactlyInAnyOrder(Map.entry("k0", "v0"), Map.entry("k1", "v1"), Map.entry("k2", "v2"));
    }

    /** Writes an object with user metadata through the MinIO client and reads it back. */
    static void s3RoundTrip(StackEndpoints stack) throws Exception {
        MinioClient s3 = MinioClient.builder()
                .endpoint(stack.s3Endpoint().toString())
                .credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region())
                .build();
        if (!s3.bucketExists(BucketExistsArgs.builder().bucket(stack.bucket()).build())) {
            s3.makeBucket(MakeBucketArgs.builder().bucket(stack.bucket()).build());
        }
        String key = "checks/" + UUID.randomUUID() + ".json";
        byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
        s3.putObject(PutObjectArgs.builder().bucket(stack.bucket()).object(key).data(body, body.length)
                .userMetadata(Map.of("step", "7")).build());
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(stack.bucket()).object(key).build())) {
            assertThat(in.readAllBytes()).isEqualTo(body);
        }
        var stat = s3.statObject(StatObjectArgs.builder().bucket(stack.bucket()).object(key).build());
        assertThat(stat.size()).isEqualTo(body.length);
        // S3 servers may change the case of user-metadata keys
        assertThat(stat.userMetadata().keySet()).anySatisfy(k -> assertThat(k).isEqualToIgnoringCase("step"));
    }
}
