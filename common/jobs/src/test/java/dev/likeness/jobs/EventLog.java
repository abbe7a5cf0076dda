package dev.likeness.jobs;

import dev.likeness.contracts.Messages;
import dev.likeness.contracts.Topics;
import dev.likeness.contracts.events.EventType;
import dev.likeness.contracts.events.JobEvent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

/** Reads a topic from the beginning with a fresh group and collects what a test waits for. */
public final class EventLog {

    private EventLog() {
    }

    /** Events of {@code jobId}, in order, until one matches {@code until} (inclusive) or the timeout passes. */
    public static List<JobEvent> await(String bootstrap, String jobId, Predicate<JobEvent> until, Duration timeout) {
        List<JobEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records(bootstrap, Topics.EVENTS, timeout, rec -> {
            if (!jobId.equals(rec.key())) {
                return false;
            }
            return until.test(Messages.parseEvent(rec.value()));
        })) {
            if (jobId.equals(r.key())) {
                out.add(Messages.parseEvent(r.value()));
            }
        }
        return out;
    }

    /** Events of {@code jobId} until a terminal one. */
    public static List<JobEvent> untilTerminal(String bootstrap, String jobId, Duration timeout) {
        return await(bootstrap, jobId, e -> e.type().terminal(), timeout);
    }

    /** Types of events. */
    public static List<EventType> types(List<JobEvent> events) {
        return events.stream().map(JobEvent::type).toList();
    }

    /** Records of {@code topic} up to the first that matches (inclusive), or all seen until the timeout. */
    public static List<ConsumerRecord<String, String>> records(String bootstrap, String topic, Duration timeout,
            Predicate<ConsumerRecord<String, String>> until) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.add(r);
                    if (until.test(r)) {
                        return out;
                    }
                }
            }
        }
        return out;
    }
}
