package dev.likeness.processtests;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.jobs.HyperParameters;
import dev.likeness.contracts.jobs.Method;
import dev.likeness.contracts.jobs.PersonalizationJob;
import dev.likeness.contracts.jobs.PriorPreservation;
import dev.likeness.contracts.jobs.Stage;
import dev.likeness.contracts.jobs.StageRequest;
import dev.likeness.engine.random.TinyModelGenerator;
import dev.likeness.localstack.StackEndpoints;
import dev.likeness.objectstore.ObjectKey;
import dev.likeness.objectstore.ObjectKeys;
import dev.likeness.objectstore.ObjectStore;
import dev.likeness.objectstore.ObjectSummary;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Small train-only jobs for the process tests: a tiny random base model, two 64×64 subject images per job, LoRA with
 * a checkpoint every 2 steps and a progress event every step. Two jobs built with the same settings differ only in
 * their id, so their artifacts must be byte-identical.
 */
final class TrainJobs {

    /** Training resolution: the smallest a job may ask for. */
    static final int RESOLUTION = 64;
    static final int CHECKPOINT_EVERY = 2;

    private final ObjectStore store;
    private final String bootstrapServers;
    private String modelUri;

    TrainJobs(StackEndpoints stack, ObjectStore store) {
        this.store = store;
        this.bootstrapServers = stack.kafkaBootstrapServers();
    }

    static ObjectStore store(StackEndpoints stack) {
        return ObjectStore.builder().endpoint(stack.s3Endpoint()).credentials(stack.s3AccessKey(), stack.s3SecretKey())
                .region(stack.s3Region()).bucket(stack.bucket()).build();
    }

    static String newJobId() {
        return "job-" + UUID.randomUUID();
    }

    /** The tiny diffusers model (random weights, seed 42) in the bucket, uploaded on first use. */
    synchronized String model(Path workDir) throws IOException {
        if (modelUri == null) {
            Path dir = TinyModelGenerator.write(Files.createDirectories(workDir.resolve("tiny-sd")),
                    TinyModelGenerator.tinySd(), 42);
            ObjectKey prefix = ObjectKeys.model("tiny-sd-" + UUID.randomUUID().toString().substring(0, 8));
            store.uploadFolder(dir, prefix);
            modelUri = store.uri(prefix).toString();
        }
        return modelUri;
    }

    /**
     * A LoRA job of {@code steps} steps on {@code model}, its two subject images uploaded under
     * {@code jobs/<jobId>/inputs/}, routing slip {@code [train]} (so the train stage ends it with {@code succeeded}).
     */
    PersonalizationJob loraJob(String jobId, String model, int steps) throws IOException {
        List<String> images = List.of(subjectImage(jobId, "a.png", 0), subjectImage(jobId, "b.png", 1));
        return Messages.normalize(PersonalizationJob.of(jobId, Method.LORA, model, images, "dog")
                .withHyperParameters(new HyperParameters(steps, 1e-3, null, null, RESOLUTION, 5L, null, null, null,
                        null, null, null, CHECKPOINT_EVERY, 1, null, null, null))
                .withPriorPreservation(PriorPreservation.disabled())
                .withStages(List.of(Stage.TRAIN)));
    }

    /** Publishes the job's train request keyed by its id; returns the partition it landed on. */
    int publish(PersonalizationJob job) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(Topics.STAGE_TRAIN, job.jobId(),
                    Messages.toJson(StageRequest.of(job, Stage.TRAIN, 1, Map.of())))).get().partition();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing " + job.jobId(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("publishing " + job.jobId() + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** The partition the producer's default partitioner picks for a key (murmur2 of the key bytes). */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Every object of the job's artifact folder: relative name → bytes. */
    Map<String, byte[]> artifact(String jobId) {
        ObjectKey folder = ObjectKeys.job(jobId).artifacts();
        Map<String, byte[]> files = new TreeMap<>();
        for (ObjectSummary o : store.list(folder)) {
            files.put(o.key().relativeTo(folder), store.getBytes(o.key()));
        }
        return files;
    }

    /** A 64×64 PNG of a disc; {@code variant} moves the disc so the two images of a job differ. */
    private String subjectImage(String jobId, String name, int variant) throws IOException {
        int size = RESOLUTION;
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(60, 110, 190));
        g.fillRect(0, 0, size, size);
        g.setColor(new Color(230, 140, 30));
        g.fillOval(12 + 8 * variant, 16, 32, 32);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        ObjectKey key = ObjectKeys.job(jobId).input(name);
        store.put(key, out.toByteArray(), "image/png");
        return store.uri(key).toString();
    }
}
