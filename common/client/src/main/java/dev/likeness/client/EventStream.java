package dev.likeness.client;

import dev.likeness.contracts.MessageValidationException;
import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.JobEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

/**
 * The events of one subject (job id or render request id) on {@code likeness.events}, from the first one, in the
 * order they were published. Reads only the partition the subject's key hashes to (the producers' default
 * partitioner), with a throw-away consumer group that never commits; duplicates (same event id, or the same
 * {@code source} + {@code sequence} re-sent after a crash) are dropped. Not thread-safe.
 */
public final class EventStream implements AutoCloseable {

    private final String subject;
    private final KafkaConsumer<String, String> consumer;
    private final ArrayDeque<JobEvent> pending = new ArrayDeque<>();
    private final Set<String> seenIds = new HashSet<>();
    private final Set<String> seenSequences = new HashSet<>();

    EventStream(String bootstrapServers, String subject) {
        this.subject = subject;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "likeness-client-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        try {
            List<PartitionInfo> partitions = consumer.partitionsFor(Topics.EVENTS, Duration.ofSeconds(30));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + Topics.EVENTS + " does not exist on " + bootstrapServers);
            }
            int partition = Utils.toPositive(Utils.murmur2(subject.getBytes(StandardCharsets.UTF_8)))
                    % partitions.size();
            TopicPartition tp = new TopicPartition(Topics.EVENTS, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The subject whose events this stream returns. */
    public String subject() {
        return subject;
    }

    /**
     * The next event of the subject, waiting at most {@code timeout}; empty when none arrived in time.
     * Records of other subjects and unreadable records are skipped.
     */
    public Optional<JobEvent> next(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofNanos(Math.min(left,
                    Duration.ofMillis(500).toNanos())))) {
                if (!subject.equals(r.key())) {
                    continue;
                }
                JobEvent e;
                try {
                    e = Messages.parseEvent(r.value());
                } catch (MessageValidationException bad) {
                    continue; // not ours to judge: the producer validated what it sent
                }
                if (seenIds.add(e.id()) && seenSequences.add(e.source() + "#" + e.sequence())) {
                    pending.add(e);
                }
            }
        }
        return Optional.of(pending.poll());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
