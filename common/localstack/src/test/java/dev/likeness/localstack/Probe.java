package dev.likeness.localstack;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.MinioException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Real Kafka and MinIO clients pointed at a stack, for the tests. */
final class Probe {

    private Probe() {
    }

    static void produce(StackEndpoints stack, String topic, Map<String, String> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> e : records.entrySet()) {
                producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue())).get();
            }
        }
    }

    /** Polls {@code topic} from the beginning with a fresh group until {@code count} records arrived or 30 s passed. */
    static List<ConsumerRecord<String, String>> consume(StackEndpoints stack, String topic, String group, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            consumer.commitSync();
        }
        return out;
    }

    static MinioClient minio(StackEndpoints stack) {
        return minio(stack, stack.s3SecretKey());
    }

    static MinioClient minio(StackEndpoints stack, String secret) {
        return MinioClient.builder()
                .endpoint(stack.s3Endpoint().toString())
                .credentials(stack.s3AccessKey(), secret)
                .region(stack.s3Region())
                .build();
    }

    static void put(MinioClient client, String bucket, String key, byte[] data) throws MinioException {
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).data(data, data.length).build());
    }

    static byte[] get(MinioClient client, String bucket, String key) throws MinioException, IOException {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return in.readAllBytes();
        }
    }
}
